"""FSx for Lustre behaviour moto lacks: the file system's lifecycle and Lustre attributes, and data
repository associations (the whole API), one request at a time per file system."""
import json
import os
import random
import string
import time
import uuid

from . import shim

# How long a new file system or association stays CREATING (AWS: minutes; here seconds, enough for
# a parallel request to meet it). Tests may shorten or lengthen it.
CREATING_SECONDS = float(os.environ.get("PROXIMATE_EMULATED_FSX_CREATING_SECONDS", "3"))


def _lifecycle(created, settled="AVAILABLE"):
    return "CREATING" if time.time() - created < CREATING_SECONDS else settled


@shim
def fsx_file_system_reports_its_lifecycle_and_lustre_mount_name():
    """DescribeFileSystems reports a new file system CREATING, then AVAILABLE, with the attributes
    AWS returns for Lustre: its mount name (clients mount `<dns>@tcp:/<mount name>`), the file
    system type version it was created with, owner and VPC, and the Lustre configuration as
    applied (deployment type, throughput, compression, logging, maintenance window). moto returns no
    Lifecycle, so the provider waits for AVAILABLE until its timeout, and no mount name.
    https://docs.aws.amazon.com/fsx/latest/APIReference/API_FileSystem.html
    https://docs.aws.amazon.com/fsx/latest/APIReference/API_LustreFileSystemConfiguration.html
    """
    from moto.ec2.models import ec2_backends
    from moto.fsx.models import FileSystem, FSxBackend

    original_create = FSxBackend.create_file_system

    def create_file_system(self, **kwargs):
        file_system = original_create(self, **kwargs)
        file_system.created = time.time()
        file_system.file_system_type_version = kwargs.get("file_system_type_version")
        lustre = file_system.lustre_configuration
        if lustre is not None:
            lustre.setdefault("MountName", "".join(random.choices(string.ascii_lowercase + string.digits, k=8)))
            lustre.setdefault("WeeklyMaintenanceStartTime", "7:03:00")
            lustre.setdefault("AutomaticBackupRetentionDays", 0)
            lustre.setdefault("CopyTagsToBackups", False)
            lustre.setdefault("DataCompressionType", "NONE")
        vpc_id = None
        try:
            subnet = ec2_backends[self.account_id][self.region_name].get_subnet(file_system.subnet_ids[0])
            vpc_id = subnet.vpc_id
        except Exception:  # an unknown subnet: AWS would have refused; moto does not check
            pass
        file_system.vpc_id = vpc_id
        return file_system

    original_to_dict = FileSystem.to_dict

    def to_dict(self):
        result = original_to_dict(self)
        result["Lifecycle"] = _lifecycle(getattr(self, "created", 0))
        result["CreationTime"] = getattr(self, "created", time.time())
        result["OwnerId"] = self.backend.account_id
        result["NetworkInterfaceIds"] = []
        if getattr(self, "file_system_type_version", None):
            result["FileSystemTypeVersion"] = self.file_system_type_version
        if getattr(self, "vpc_id", None):
            result["VpcId"] = self.vpc_id
        return result

    FSxBackend.create_file_system = create_file_system
    FileSystem.to_dict = to_dict


class DataRepositoryAssociation:
    def __init__(self, backend, file_system_id, file_system_path, data_repository_path, batch_import, chunk_size, s3, tags):
        self.association_id = f"dra-{uuid.uuid4().hex[:17]}"
        self.resource_arn = f"arn:aws:fsx:{backend.region_name}:{backend.account_id}:association/{file_system_id}/{self.association_id}"
        self.file_system_id = file_system_id
        self.file_system_path = file_system_path
        self.data_repository_path = data_repository_path
        self.batch_import = bool(batch_import)
        self.chunk_size = chunk_size or 1024
        self.s3 = s3 or {}
        self.created = time.time()
        self.deleting_since = None
        self.backend = backend
        if tags:
            backend.tagger.tag_resource(self.resource_arn, tags)

    @property
    def lifecycle(self):
        if self.deleting_since is not None:
            return "DELETING"
        return _lifecycle(self.created)

    def to_dict(self):
        return {
            "AssociationId": self.association_id,
            "ResourceARN": self.resource_arn,
            "FileSystemId": self.file_system_id,
            "Lifecycle": self.lifecycle,
            "FileSystemPath": self.file_system_path,
            "DataRepositoryPath": self.data_repository_path,
            "BatchImportMetaDataOnCreate": self.batch_import,
            "ImportedFileChunkSize": self.chunk_size,
            "S3": self.s3,
            "Tags": self.backend.list_tags_for_resource(self.resource_arn),
            "CreationTime": self.created,
        }


def _associations(backend):
    if not hasattr(backend, "data_repository_associations"):
        backend.data_repository_associations = {}
    # Deleted associations disappear once their deletion has run for a while.
    for key, association in list(backend.data_repository_associations.items()):
        if association.deleting_since is not None and time.time() - association.deleting_since >= CREATING_SECONDS:
            del backend.data_repository_associations[key]
    return backend.data_repository_associations


def _error(code, message):
    from moto.core.exceptions import JsonRESTError

    raise JsonRESTError(code, message)


@shim
def fsx_data_repository_associations_link_a_lustre_path_to_s3():
    """CreateDataRepositoryAssociation, DescribeDataRepositoryAssociations,
    UpdateDataRepositoryAssociation and DeleteDataRepositoryAssociation (moto has none of them):
    an association links a file system path to an S3 prefix, is CREATING then AVAILABLE, and
    DELETING then gone; at most 8 per file system, paths may not overlap, an S3 prefix is linked
    once per file system, and the file system must exist.
    https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateDataRepositoryAssociation.html
    https://docs.aws.amazon.com/fsx/latest/LustreGuide/create-dra-linked-data-repo.html
    """
    from moto.fsx.responses import FSxResponse

    def create_data_repository_association(self):
        params = json.loads(self.body)
        backend = self.fsx_backend
        file_system_id = params.get("FileSystemId")
        if file_system_id not in backend.file_systems:
            _error("FileSystemNotFound", f"File system '{file_system_id}' does not exist.")
        existing = [a for a in _associations(backend).values() if a.file_system_id == file_system_id]
        busy = [a for a in existing if a.lifecycle in ("CREATING", "DELETING", "UPDATING")]
        if busy and getattr(backend, "one_association_request_at_a_time", False):
            _error(
                "BadRequest",
                f"Unable to process the request for file system {file_system_id}: data repository association {busy[0].association_id} "
                f"is {busy[0].lifecycle}. File systems process one data repository association request at a time.",
            )
        if len(existing) >= 8:
            _error("ServiceLimitExceeded", "A file system can have at most 8 data repository associations.")
        path = params.get("FileSystemPath", "/")
        repository = params.get("DataRepositoryPath", "")
        for other in existing:
            a, b = other.file_system_path.rstrip("/") + "/", path.rstrip("/") + "/"
            if a.startswith(b) or b.startswith(a):
                _error("BadRequest", f"File system path {path} overlaps the path {other.file_system_path} of association {other.association_id}.")
            if other.data_repository_path.rstrip("/") == repository.rstrip("/"):
                _error("BadRequest", f"Data repository path {repository} is already linked to this file system.")
        association = DataRepositoryAssociation(
            backend,
            file_system_id,
            path,
            repository,
            params.get("BatchImportMetaDataOnCreate"),
            params.get("ImportedFileChunkSize"),
            params.get("S3"),
            params.get("Tags"),
        )
        _associations(backend)[association.association_id] = association
        return json.dumps({"Association": association.to_dict()})

    def describe_data_repository_associations(self):
        params = json.loads(self.body)
        wanted = params.get("AssociationIds")
        associations = list(_associations(self.fsx_backend).values())
        if wanted:
            missing = [i for i in wanted if i not in {a.association_id for a in associations}]
            if missing:
                _error("DataRepositoryAssociationNotFound", f"Data repository association '{missing[0]}' does not exist.")
            associations = [a for a in associations if a.association_id in wanted]
        for item in params.get("Filters", []):
            if item.get("Name") == "file-system-id":
                associations = [a for a in associations if a.file_system_id in item.get("Values", [])]
        return json.dumps({"Associations": [a.to_dict() for a in associations]})

    def update_data_repository_association(self):
        params = json.loads(self.body)
        association = _associations(self.fsx_backend).get(params.get("AssociationId"))
        if association is None:
            _error("DataRepositoryAssociationNotFound", f"Data repository association '{params.get('AssociationId')}' does not exist.")
        if params.get("ImportedFileChunkSize"):
            association.chunk_size = params["ImportedFileChunkSize"]
        if params.get("S3") is not None:
            association.s3 = params["S3"]
        return json.dumps({"Association": association.to_dict()})

    def delete_data_repository_association(self):
        params = json.loads(self.body)
        association = _associations(self.fsx_backend).get(params.get("AssociationId"))
        if association is None:
            _error("DataRepositoryAssociationNotFound", f"Data repository association '{params.get('AssociationId')}' does not exist.")
        association.deleting_since = time.time()
        return json.dumps(
            {"AssociationId": association.association_id, "Lifecycle": "DELETING", "DeleteDataInFileSystem": bool(params.get("DeleteDataInFileSystem"))}
        )

    FSxResponse.create_data_repository_association = create_data_repository_association
    FSxResponse.describe_data_repository_associations = describe_data_repository_associations
    FSxResponse.update_data_repository_association = update_data_repository_association
    FSxResponse.delete_data_repository_association = delete_data_repository_association

    from moto.fsx.models import FSxBackend

    original_delete = FSxBackend.delete_file_system

    def delete_file_system(self, file_system_id, *args, **kwargs):
        # The file system's associations go with it.
        for key, association in list(_associations(self).items()):
            if association.file_system_id == file_system_id:
                del self.data_repository_associations[key]
        return original_delete(self, file_system_id, *args, **kwargs)

    FSxBackend.delete_file_system = delete_file_system


@shim
def fsx_processes_one_association_request_at_a_time():
    """A file system handles one data repository association request at a time: creating an
    association while another one of the same file system is still CREATING (or DELETING) fails
    with BadRequest, which is why several associations must be created one after the other
    (terraform-provider-aws#24678; our LustreFileSystem chains them with depends_on).
    https://docs.aws.amazon.com/fsx/latest/LustreGuide/create-dra-linked-data-repo.html
    https://github.com/hashicorp/terraform-provider-aws/issues/24678
    """
    from moto.fsx.models import FSxBackend

    FSxBackend.one_association_request_at_a_time = True

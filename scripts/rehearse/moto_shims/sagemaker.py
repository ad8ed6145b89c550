"""SageMaker behaviour moto lacks."""
from . import shim


@shim
def sagemaker_notebook_instance_keeps_its_platform():
    """DescribeNotebookInstance returns the platform identifier the instance was created with
    (e.g. `notebook-al2-v3`). moto drops it, and the provider replaces the instance on every plan
    (`platform_identifier` forces replacement).
    https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeNotebookInstance.html
    """
    from moto.sagemaker.models import FakeSagemakerNotebookInstance
    from moto.sagemaker.responses import SageMakerResponse

    original_create = SageMakerResponse.create_notebook_instance

    def create_notebook_instance(self):
        result = original_create(self)
        platform = self._get_param("PlatformIdentifier")
        if platform:
            self.sagemaker_backend.get_notebook_instance(self._get_param("NotebookInstanceName")).platform_identifier = platform
        return result

    original_to_dict = FakeSagemakerNotebookInstance.to_dict

    def to_dict(self):
        result = original_to_dict(self)
        if getattr(self, "platform_identifier", None):
            result["PlatformIdentifier"] = self.platform_identifier
        return result

    SageMakerResponse.create_notebook_instance = create_notebook_instance
    FakeSagemakerNotebookInstance.to_dict = to_dict


@shim
def sagemaker_lists_notebook_instance_lifecycle_configurations():
    """ListNotebookInstanceLifecycleConfigs lists the account's lifecycle configurations in the
    Region (name, ARN, creation and modification times), paged with NextToken. moto does not
    implement it (a server error).
    https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListNotebookInstanceLifecycleConfigs.html
    """
    from moto.core.responses import ActionResult
    from moto.sagemaker.responses import SageMakerResponse

    def list_notebook_instance_lifecycle_configs(self):
        configs = sorted(self.sagemaker_backend.notebook_instance_lifecycle_configurations.values(), key=lambda c: c.notebook_instance_lifecycle_config_name)
        contains = self._get_param("NameContains")
        if contains:
            configs = [c for c in configs if contains in c.notebook_instance_lifecycle_config_name]
        max_results = int(self._get_param("MaxResults") or 100)
        start = int(self._get_param("NextToken") or 0)
        page = configs[start : start + max_results]
        summaries = [
            {
                "NotebookInstanceLifecycleConfigName": c.notebook_instance_lifecycle_config_name,
                "NotebookInstanceLifecycleConfigArn": c.arn,
                "CreationTime": c.creation_time,
                "LastModifiedTime": c.last_modified_time,
            }
            for c in page
        ]
        result = {"NotebookInstanceLifecycleConfigs": summaries}
        if start + max_results < len(configs):
            result["NextToken"] = str(start + max_results)
        return ActionResult(result)

    SageMakerResponse.list_notebook_instance_lifecycle_configs = list_notebook_instance_lifecycle_configs

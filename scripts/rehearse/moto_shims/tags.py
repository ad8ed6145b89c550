"""Tagging of resources whose tags moto does not keep."""
import json

from . import shim


@shim
def application_auto_scaling_targets_carry_tags():
    """TagResource, UntagResource and ListTagsForResource on Application Auto Scaling scalable
    targets (by their ARN), and RegisterScalableTarget's Tags; moto implements none of it, and the
    provider reads a target's tags after creating it.
    https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TagResource.html
    https://docs.aws.amazon.com/autoscaling/application/APIReference/API_ListTagsForResource.html
    """
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    def store(self):
        backend = self.applicationautoscaling_backend
        if not hasattr(backend, "tags_by_arn"):
            backend.tags_by_arn = {}
        return backend.tags_by_arn

    def known(self, arn):
        return any(t.arn == arn for targets in self.applicationautoscaling_backend.targets.values() for t in targets.values())

    def not_found(arn):
        from moto.core.exceptions import JsonRESTError

        raise JsonRESTError("ResourceNotFoundException", f"Resource {arn} not found")

    original_register = ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self):
        result = original_register(self)
        tags = json.loads(self.body or "{}").get("Tags")
        if tags:
            store(self).setdefault(json.loads(result)["ScalableTargetARN"], {}).update(tags)
        return result

    def tag_resource(self):
        params = json.loads(self.body or "{}")
        if not known(self, params.get("ResourceARN")):
            not_found(params.get("ResourceARN"))
        store(self).setdefault(params["ResourceARN"], {}).update(params.get("Tags", {}))
        return "{}"

    def untag_resource(self):
        params = json.loads(self.body or "{}")
        tags = store(self).get(params.get("ResourceARN"), {})
        for key in params.get("TagKeys", []):
            tags.pop(key, None)
        return "{}"

    def list_tags_for_resource(self):
        params = json.loads(self.body or "{}")
        if not known(self, params.get("ResourceARN")):
            not_found(params.get("ResourceARN"))
        return json.dumps({"Tags": store(self).get(params["ResourceARN"], {})})

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target
    ApplicationAutoScalingResponse.tag_resource = tag_resource
    ApplicationAutoScalingResponse.untag_resource = untag_resource
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource


@shim
def sagemaker_lifecycle_configurations_carry_tags():
    """CreateNotebookInstanceLifecycleConfig applies its Tags; AddTags, ListTags and DeleteTags work on
    lifecycle configurations (ARN `...:notebook-instance-lifecycle-config/<name>`). moto ignores the
    creation tags and fails the others with a server error, and the provider reads the
    configuration's tags after creating it.
    https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstanceLifecycleConfig.html
    https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AddTags.html
    """
    from moto.sagemaker.models import SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    original_create = SageMakerResponse.create_notebook_instance_lifecycle_config

    def create_notebook_instance_lifecycle_config(self):
        result = original_create(self)
        tags = self._get_param("Tags")
        if tags:
            config = self.sagemaker_backend.notebook_instance_lifecycle_configurations[self._get_param("NotebookInstanceLifecycleConfigName")]
            config.tags = list(tags)
        return result

    SageMakerResponse.create_notebook_instance_lifecycle_config = create_notebook_instance_lifecycle_config

    original = SageMakerModelBackend._get_resource_from_arn

    def _get_resource_from_arn(self, arn):
        kind, _, name = arn.split(":")[-1].partition("/")
        if kind == "notebook-instance-lifecycle-config":
            from moto.sagemaker.exceptions import ValidationError

            config = self.notebook_instance_lifecycle_configurations.get(name)
            if config is None:
                raise ValidationError(message=f"Could not find {kind} with name {name}")
            if not hasattr(config, "tags") or config.tags is None:
                config.tags = []
            return config
        return original(self, arn)

    SageMakerModelBackend._get_resource_from_arn = _get_resource_from_arn

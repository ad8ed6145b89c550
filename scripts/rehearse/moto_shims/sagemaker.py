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

"""Imports every shim module, in the order they are installed."""
from . import autoscaling, awslambda, ec2, ecr, ecs, fsx, iam, s3, sagemaker, service_linked_roles, servicediscovery, stepfunctions, tags  # noqa: F401

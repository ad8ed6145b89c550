"""Imports every shim module, in the order they are installed."""
from . import ec2, ecr, fsx, iam, s3, service_linked_roles, servicediscovery, stepfunctions, tags  # noqa: F401

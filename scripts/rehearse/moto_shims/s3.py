"""S3 behaviour moto lacks."""
import fnmatch

from . import shim

# What the emulator's requests stand for: the AWS provider and the SDKs talk to AWS over HTTPS
# only; the emulator serves plain HTTP on 127.0.0.1 as their stand-in.
REQUEST_CONTEXT = {"aws:SecureTransport": "true"}


def _values(value):
    return value if isinstance(value, list) else [value]


def _operator_holds(operator, key, expected, actual):
    """One condition operator against the request's value (None when the key is absent)."""
    base = operator[: -len("IfExists")] if operator.endswith("IfExists") else operator
    if actual is None and key not in REQUEST_CONTEXT:
        return None  # a key the emulator does not model: unknown, not absent
    if actual is None:
        # An absent key fails the condition, unless the operator ends in IfExists.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
        return operator.endswith("IfExists")
    expected = [str(v) for v in _values(expected)]
    if base == "Bool":
        return actual.lower() in [v.lower() for v in expected]
    if base in ("StringEquals", "ArnEquals"):
        return actual in expected
    if base == "StringNotEquals":
        return actual not in expected
    if base in ("StringLike", "ArnLike"):
        return any(fnmatch.fnmatchcase(actual, v) for v in expected)
    return None


def conditions_hold(condition, context, effect):
    """Whether a statement's Condition holds. An operator or a context key this shim does not
    model keeps a Deny in force and an Allow out of force: never more lenient than AWS."""
    for operator, pairs in (condition or {}).items():
        for key, expected in pairs.items():
            holds = _operator_holds(operator, key, expected, context.get(key))
            if holds is None:
                holds = effect == "Deny"
            if not holds:
                return False
    return True


@shim
def bucket_policy_conditions_apply_to_the_request():
    """A bucket policy statement applies only when its Condition holds for the request: the TLS-only
    statement (`Deny` when `aws:SecureTransport` is `false`) denies plain-HTTP requests and nothing
    else. moto evaluates bucket policies without their conditions, so that statement denies every
    request (Bool is not among its operators). Implements Bool, StringEquals/NotEquals, StringLike,
    ArnEquals/ArnLike and IfExists, with the request context of a TLS client.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
    """
    import json

    from moto.iam.access_control import IAMPolicyStatement, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self, action, resource):
        if self.policy is None:
            return PermissionResult.NEUTRAL
        document = json.loads(self.policy.decode())
        result = PermissionResult.NEUTRAL
        for raw in _values(document.get("Statement", [])):
            statement = IAMPolicyStatement(raw)
            if "NotAction" in raw:
                concerned = not statement._check_element_matches("NotAction", action)
            else:
                concerned = statement._check_element_matches("Action", action)
            if not concerned or statement.is_unknown_principal(raw.get("Principal")):
                continue
            if not conditions_hold(raw.get("Condition"), REQUEST_CONTEXT, raw.get("Effect")):
                continue
            if raw.get("Resource") and not statement._check_element_matches("Resource", resource):
                continue
            if raw.get("Effect") == "Deny":
                return PermissionResult.DENIED
            result = PermissionResult.PERMITTED
        return result

    FakeBucket.get_permission = get_permission


@shim
def object_versions_are_deleted_by_id_when_versioning_is_suspended():
    """In a bucket whose versioning is suspended, a DELETE (DeleteObject or DeleteObjects) that
    names a version ID permanently deletes that one version, delete markers included; the other
    versions stay. The provider's `force_destroy` works this way: it suspends versioning with the
    bucket's `aws_s3_bucket_versioning`, then deletes every version and delete marker by ID. moto
    treats a suspended bucket as unversioned, drops every version of the key at once and fails on
    the delete markers (a server error, retried by the provider until its timeout), so a versioned
    bucket with deleted objects (the state bucket, after Terraform's lock files) could never be
    removed.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectsfromVersioningSuspendedBuckets.html
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
    """
    from moto.s3.models import S3Backend

    original = S3Backend.delete_object

    def delete_object(self, bucket_name, key_name, version_id=None, bypass=False):
        bucket = self.get_bucket(bucket_name)
        if version_id is None or getattr(bucket, "versioning_status", None) != "Suspended":
            return original(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
        # Deleting one version by its ID is the same operation in an enabled and a suspended bucket.
        bucket.versioning_status = "Enabled"
        try:
            return original(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
        finally:
            bucket.versioning_status = "Suspended"

    S3Backend.delete_object = delete_object

"""ECR behaviour moto lacks."""
import json
import time

from . import shim

# Upstream registries that need a Secrets Manager credential (the rest are anonymous).
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html
NEEDS_CREDENTIAL = {"registry-1.docker.io", "ghcr.io", "registry.gitlab.com", "index.docker.io"}
SUPPORTED = NEEDS_CREDENTIAL | {"public.ecr.aws", "quay.io", "registry.k8s.io"}


def _error(code, message):
    from moto.core.exceptions import JsonRESTError

    raise JsonRESTError(code, message)


def _rules(backend):
    if not hasattr(backend, "pull_through_cache_rules"):
        backend.pull_through_cache_rules = {}
    return backend.pull_through_cache_rules


@shim
def ecr_pull_through_cache_rules_cache_an_upstream_registry():
    """CreatePullThroughCacheRule, DescribePullThroughCacheRules and DeletePullThroughCacheRule
    (moto has none of them): a rule maps a repository prefix of the private registry to an upstream
    registry; one rule per prefix; Docker Hub, GitHub and GitLab need a credential ARN, quay.io,
    ECR Public and registry.k8s.io do not; unknown upstreams are refused.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
    """
    from moto.ecr.responses import ECRResponse

    def create_pull_through_cache_rule(self):
        params = json.loads(self.body or "{}")
        prefix = params.get("ecrRepositoryPrefix")
        upstream = params.get("upstreamRegistryUrl", "")
        rules = _rules(self.ecr_backend)
        if prefix in rules:
            _error("PullThroughCacheRuleAlreadyExistsException", f"A pull through cache rule with the prefix '{prefix}' already exists.")
        if upstream not in SUPPORTED:
            _error("UnsupportedUpstreamRegistryException", f"The upstream registry '{upstream}' is not supported.")
        if upstream in NEEDS_CREDENTIAL and not params.get("credentialArn"):
            _error("InvalidParameterException", f"A credentialArn is required for the upstream registry '{upstream}'.")
        rule = {
            "ecrRepositoryPrefix": prefix,
            "upstreamRegistryUrl": upstream,
            "createdAt": time.time(),
            "registryId": params.get("registryId") or self.current_account,
            "upstreamRegistry": {"quay.io": "quay", "public.ecr.aws": "ecr-public", "registry.k8s.io": "k8s"}.get(upstream, upstream),
        }
        if params.get("credentialArn"):
            rule["credentialArn"] = params["credentialArn"]
        rules[prefix] = rule
        return json.dumps(rule)

    def describe_pull_through_cache_rules(self):
        params = json.loads(self.body or "{}")
        rules = _rules(self.ecr_backend)
        wanted = params.get("ecrRepositoryPrefixes")
        if wanted:
            missing = [p for p in wanted if p not in rules]
            if missing:
                _error("PullThroughCacheRuleNotFoundException", f"The pull through cache rule with the prefix '{missing[0]}' does not exist.")
            return json.dumps({"pullThroughCacheRules": [rules[p] for p in wanted]})
        return json.dumps({"pullThroughCacheRules": list(rules.values())})

    def delete_pull_through_cache_rule(self):
        params = json.loads(self.body or "{}")
        rule = _rules(self.ecr_backend).pop(params.get("ecrRepositoryPrefix"), None)
        if rule is None:
            _error("PullThroughCacheRuleNotFoundException", f"The pull through cache rule with the prefix '{params.get('ecrRepositoryPrefix')}' does not exist.")
        return json.dumps(rule)

    ECRResponse.create_pull_through_cache_rule = create_pull_through_cache_rule
    ECRResponse.describe_pull_through_cache_rules = describe_pull_through_cache_rules
    ECRResponse.delete_pull_through_cache_rule = delete_pull_through_cache_rule

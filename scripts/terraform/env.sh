# Sourced by scripts that run terraform or the cdktf CLI: a CLI config of our own (the
# filesystem mirror when /opt/tf-plugins exists) and no calls to HashiCorp's checkpoint service.
_proximate_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ -d /opt/tf-plugins ]; then
  export TF_CLI_CONFIG_FILE="$_proximate_root/scripts/terraform/mirror.tfrc"
else
  export TF_CLI_CONFIG_FILE="$_proximate_root/scripts/terraform/registry.tfrc"
fi
export CHECKPOINT_DISABLE=1
export DISABLE_VERSION_CHECK=1
unset _proximate_root

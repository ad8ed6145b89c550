#!/usr/bin/env bash
# Debian packages the AWS emulator (moto in server mode, scripts/rehearse/moto_server.py) and its
# tests need on /usr/bin/python3. moto and a newer botocore come from PyPI (a user with internet:
# `pip install 'moto[server]'`) or from the vendored copy (../shared/vendor/python, see its README);
# these are their dependencies. Idempotent: apt runs only when an import is missing.
set -euo pipefail

PY=/usr/bin/python3
PACKAGES=(
  python3-boto3 python3-requests python3-responses python3-werkzeug python3-xmltodict
  python3-jinja2 python3-dateutil python3-flask python3-flask-cors python3-yaml
  python3-pyparsing python3-jsonschema python3-cryptography python3-pytest
)
CHECK='import boto3, requests, responses, werkzeug, xmltodict, jinja2, dateutil, flask, flask_cors, yaml, pyparsing, jsonschema, cryptography, pytest'

if [ -x "$PY" ] && "$PY" -c "$CHECK" >/dev/null 2>&1; then
  echo "install-deps: emulator deps already present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
"$PY" -c "$CHECK"
echo "install-deps: installed ${PACKAGES[*]}"

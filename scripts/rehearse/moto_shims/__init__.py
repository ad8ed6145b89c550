"""Proximate's extensions of moto: each shim reproduces one AWS behaviour that moto lacks or gets
wrong, is named after that behaviour, cites the AWS documentation in its docstring and has a test
(__tests__/rehearse/test_moto_shims.py). They patch moto's classes at server start; the vendored
copy is never edited. A shim never hides a defect of ours: it makes the emulator stricter or more
complete, never more lenient than AWS.
"""

SHIMS = []


def shim(function):
    """Registers a shim (a function that patches moto when called)."""
    SHIMS.append(function)
    return function


def install_all():
    """Installs every shim; returns their names in order."""
    from . import registry  # noqa: F401  (importing registers the shims)

    for function in SHIMS:
        function()
    return [function.__name__ for function in SHIMS]

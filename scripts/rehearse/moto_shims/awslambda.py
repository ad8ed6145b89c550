"""Lambda behaviour moto lacks."""
from . import shim


@shim
def lambda_function_keeps_its_logging_configuration():
    """GetFunction / GetFunctionConfiguration return the function's LoggingConfig: its log format
    and log group (by default Text and `/aws/lambda/<function>`), as created or updated. moto returns
    none, so every plan wants to set `logging_config` again.
    https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html
    """
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    original_get = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def __init__(self, account_id, spec, *args, **kwargs):
        original_init(self, account_id, spec, *args, **kwargs)
        self.__dict__["_logging_config"] = spec.get("LoggingConfig")

    def logging_config(self):
        given = self.__dict__.get("_logging_config") or {}
        return {"LogFormat": given.get("LogFormat", "Text"), "LogGroup": given.get("LogGroup", f"/aws/lambda/{self.function_name}"), **given}

    def get_configuration(self, *args, **kwargs):
        config = original_get(self, *args, **kwargs)
        config["LoggingConfig"] = logging_config(self)
        return config

    def update_configuration(self, config_updates):
        if "LoggingConfig" in config_updates:
            self.__dict__["_logging_config"] = config_updates["LoggingConfig"]
        return original_update(self, config_updates)

    LambdaFunction.__init__ = __init__
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration

"""Step Functions behaviour moto lacks."""
import json

from . import shim

TERMINAL = {"Succeed", "Fail"}


def validate_definition(definition):
    """Structural Amazon States Language checks: valid JSON, StartAt naming a state, every
    Next/Default/Choice/Catch target a state of the same machine (branches and item processors
    checked on their own), a way to end, Task states with a Resource ARN."""
    diagnostics = []

    def problem(code, message, location):
        diagnostics.append({"severity": "ERROR", "code": code, "message": message, "location": location})

    try:
        machine = json.loads(definition)
    except (TypeError, ValueError) as error:
        problem("INVALID_JSON_DESCRIPTION", f"The definition is not valid JSON: {error}", "/")
        return diagnostics

    def check(graph, where):
        states = graph.get("States")
        if not isinstance(states, dict) or not states:
            problem("SCHEMA_VALIDATION_FAILED", "States must be a non-empty object", f"{where}/States")
            return
        if graph.get("StartAt") not in states:
            problem("SCHEMA_VALIDATION_FAILED", f"StartAt {graph.get('StartAt')!r} is not a state", f"{where}/StartAt")
        ends = False
        for name, state in states.items():
            here = f"{where}/States/{name}"
            targets = [state.get("Next"), state.get("Default")]
            targets += [c.get("Next") for c in state.get("Choices", [])]
            targets += [c.get("Next") for c in state.get("Catch", [])]
            for target in filter(None, targets):
                if target not in states:
                    problem("MISSING_TRANSITION_TARGET", f"Missing 'Next' target: {target}", here)
            if state.get("End") or state.get("Type") in TERMINAL:
                ends = True
            if state.get("Type") == "Task" and not str(state.get("Resource", "")).startswith("arn:"):
                problem("SCHEMA_VALIDATION_FAILED", "A Task state needs a Resource ARN", f"{here}/Resource")
            for index, branch in enumerate(state.get("Branches", [])):
                check(branch, f"{here}/Branches[{index}]")
            for key in ("Iterator", "ItemProcessor"):
                if isinstance(state.get(key), dict):
                    check(state[key], f"{here}/{key}")
        if not ends:
            problem("SCHEMA_VALIDATION_FAILED", "No terminal state: the machine cannot end", where or "/")

    check(machine, "")
    return diagnostics


@shim
def step_functions_validates_state_machine_definitions():
    """ValidateStateMachineDefinition (which the provider calls before creating or updating a state
    machine) checks the Amazon States Language definition and returns OK or FAIL with diagnostics;
    ListStateMachineVersions lists a machine's published versions (none unless published). moto
    has neither operation.
    https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
    https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListStateMachineVersions.html
    """
    from moto.stepfunctions.responses import StepFunctionResponse

    def validate_state_machine_definition(self):
        params = json.loads(self.body or "{}")
        diagnostics = validate_definition(params.get("definition"))
        return json.dumps({"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics, "truncated": False})

    def list_state_machine_versions(self):
        params = json.loads(self.body or "{}")
        self.stepfunction_backend.describe_state_machine(params.get("stateMachineArn"))  # NotFound when it does not exist
        return json.dumps({"stateMachineVersions": []})

    StepFunctionResponse.validate_state_machine_definition = validate_state_machine_definition
    StepFunctionResponse.list_state_machine_versions = list_state_machine_versions

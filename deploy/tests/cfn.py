"""Reading deploy/template.yaml offline: cfn-lint's own decoder (it knows the
short-form tags !Sub, !Ref, !GetAtt, !If, …) and a small evaluator for the
intrinsic functions the template uses, given parameter values and stand-ins
for what only exists once deployed (a distribution's domain, an API's URL).
"""

from __future__ import annotations

import re
from typing import Any

import cfnlint.decode


class Unresolved(Exception):
    pass


def load(path: str) -> dict:
    template, matches = cfnlint.decode.decode(path)
    if matches or template is None:
        raise ValueError(f"{path}: cannot be read: {[str(m) for m in matches]}")
    return template


class Resolver:
    """Evaluates intrinsic functions. `attributes` maps "Resource.Attr" and
    `refs` maps logical ids / pseudo parameters to stand-in values."""

    def __init__(self, template: dict, parameters: dict[str, str] | None = None,
                 refs: dict[str, str] | None = None, attributes: dict[str, str] | None = None):
        self.template = template
        self.values: dict[str, Any] = {}
        for name, spec in (template.get("Parameters") or {}).items():
            if "Default" in spec:
                self.values[name] = str(spec["Default"])
        self.values.update(parameters or {})
        self.values.update({
            "AWS::Region": "us-east-1",
            "AWS::Partition": "aws",
            "AWS::AccountId": "123456789012",
            "AWS::StackName": "helpsite",
            "AWS::URLSuffix": "amazonaws.com",
        })
        self.values.update(refs or {})
        self.attributes = dict(attributes or {})
        self._conditions: dict[str, bool] = {}

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self.resolve(self.template["Conditions"][name]))
        return self._conditions[name]

    def ref(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        if name == "AWS::NoValue":
            return None
        raise Unresolved(f"Ref {name}")

    def getatt(self, resource: str, attribute: str) -> Any:
        key = f"{resource}.{attribute}"
        if key in self.attributes:
            return self.attributes[key]
        raise Unresolved(f"GetAtt {key}")

    def sub(self, text: str, variables: dict | None = None) -> str:
        variables = variables or {}

        def replace(m: re.Match) -> str:
            inner = m.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"
            if inner in variables:
                return str(self.resolve(variables[inner]))
            if "." in inner and not inner.startswith("AWS::"):
                return str(self.getatt(*inner.split(".", 1)))
            return str(self.ref(inner))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.resolve(x) for x in node) if v is not None]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                parts = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.getatt(parts[0], ".".join(parts[1:]))
            if key == "Fn::Sub":
                if isinstance(arg, list):
                    return self.sub(arg[0], arg[1])
                return self.sub(arg)
            if key == "Fn::If":
                name, yes, no = arg
                return self.resolve(yes if self.condition(name) else no)
            if key == "Fn::Equals":
                a, b = (self.resolve(x) for x in arg)
                return str(a) == str(b)
            if key == "Fn::Not":
                return not self.resolve(arg[0])
            if key == "Fn::And":
                return all(self.resolve(x) for x in arg)
            if key == "Fn::Or":
                return any(self.resolve(x) for x in arg)
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::Join":
                sep, items = arg
                return sep.join(str(x) for x in self.resolve(items))
            if key == "Fn::Select":
                index, items = arg
                return self.resolve(items)[int(self.resolve(index))]
            if key == "Fn::Split":
                sep, text = arg
                return str(self.resolve(text)).split(sep)
        return {k: v for k, v in ((k, self.resolve(v)) for k, v in node.items()) if v is not None}

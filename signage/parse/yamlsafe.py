"""Safe YAML loading that remembers line numbers and refuses hostile documents.

Mappings come back as :class:`LocatedDict`, which knows the 1-based line and
column of itself and of each key, so that a validation message can point at
the very line a staff member has to fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

MAX_ALIASES = 50  # listings never need aliases; a "billion laughs" file needs many
MAX_DEPTH = 20
MAX_EXPANDED_NODES = 100_000  # nodes the aliases may stand for, counted as if copied out


class YamlRefused(ValueError):
    """A document that is valid YAML but that we refuse to take in."""

    def __init__(self, message_zh: str, message_en: str, line: int | None = None):
        super().__init__(message_en)
        self.zh = message_zh
        self.en = message_en
        self.line = line


class LocatedDict(dict):
    """A dict that remembers where it and each of its keys were written."""

    line: int | None = None
    column: int | None = None
    key_lines: dict
    key_columns: dict

    def line_of(self, key: Any) -> int | None:
        return self.key_lines.get(key, self.line)

    def column_of(self, key: Any) -> int | None:
        return getattr(self, "key_columns", {}).get(key, self.column)


class LocatedList(list):
    line: int | None = None
    column: int | None = None
    item_lines: list
    item_columns: list


# A mixin over a loader: the type checker sees the loader it is mixed into.
if TYPE_CHECKING:
    _LoaderBase = yaml.SafeLoader
else:
    _LoaderBase = object


class _Guards(_LoaderBase):
    """Alias and depth guards while composing, and constructors that remember lines."""

    def _init_guards(self):
        self._aliases = 0
        self._depth = 0
        self._expanded = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise YamlRefused(
                    "文件里的引用（&和*）太多，已拒绝读取",
                    f"too many YAML aliases (more than {MAX_ALIASES}); file refused",
                    mark.line + 1,
                )
            target = self.anchors.get(self.peek_event().anchor)
            if target is not None:
                self._expanded += self._size(target)
                if self._expanded > MAX_EXPANDED_NODES:
                    raise YamlRefused(
                        "文件里的引用（&和*）展开后太大，已拒绝读取",
                        "YAML aliases expand to too much data; file refused",
                        self.peek_event().start_mark.line + 1,
                    )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlRefused(
                    "文件嵌套层数太深，已拒绝读取",
                    f"nesting deeper than {MAX_DEPTH} levels; file refused",
                    mark.line + 1,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _size(self, node) -> int:
        """How many nodes ``node`` stands for when its aliases are copied out (memoised)."""
        known = self._sizes.get(id(node))
        if known is None:
            if isinstance(node, yaml.MappingNode):
                known = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                known = 1 + sum(self._size(n) for n in node.value)
            else:
                known = 1
            self._sizes[id(node)] = known
        return known

    def construct_located_mapping(self, node):
        data = LocatedDict()
        data.line = node.start_mark.line + 1
        data.column = node.start_mark.column + 1
        data.key_lines = {}
        data.key_columns = {}
        yield data
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise YamlRefused(
                    "字段名必须是文字",
                    "a field name must be plain text",
                    key_node.start_mark.line + 1,
                )
            data[key] = self.construct_object(value_node, deep=True)
            data.key_lines[key] = key_node.start_mark.line + 1
            data.key_columns[key] = key_node.start_mark.column + 1

    def construct_located_sequence(self, node):
        data = LocatedList()
        data.line = node.start_mark.line + 1
        data.column = node.start_mark.column + 1
        data.item_lines = [n.start_mark.line + 1 for n in node.value]
        data.item_columns = [n.start_mark.column + 1 for n in node.value]
        yield data
        data.extend(self.construct_object(n, deep=True) for n in node.value)

    def construct_timestamp_as_text(self, node):
        # Dates stay text so that one date parser (normalise.parse_date) handles every form.
        return self.construct_scalar(node)


class _Loader(_Guards, yaml.SafeLoader):
    """The pure-Python loader."""

    def __init__(self, stream):
        yaml.SafeLoader.__init__(self, stream)
        self._init_guards()


_LOADERS: list[type[_Guards]] = [_Loader]
_FastLoader: type[_Guards] = _Loader
if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _CLoader(_Guards, yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor,
                      yaml.resolver.Resolver):
        """libyaml scans and parses (about 8x faster); composing stays in Python, so the
        alias and depth guards still see every node."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._init_guards()

    _FastLoader = _CLoader
    _LOADERS.append(_CLoader)

for _cls in _LOADERS:
    _cls.add_constructor("tag:yaml.org,2002:map", _Guards.construct_located_mapping)
    _cls.add_constructor("tag:yaml.org,2002:seq", _Guards.construct_located_sequence)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _Guards.construct_timestamp_as_text)


def load_all(text: str) -> list[Any]:
    """Every document in ``text``, with located mappings.

    Raises:
        yaml.YAMLError: the text is not YAML (has ``problem_mark`` for the place).
        YamlRefused: the text is YAML we will not take (aliases, depth, odd keys).
    """
    loader = _FastLoader(text)
    try:
        docs = []
        while loader.check_node():
            docs.append(loader.construct_document(loader.get_node()))
        return docs
    except RecursionError as exc:
        raise YamlRefused("文件嵌套层数太深，已拒绝读取", "nesting too deep; file refused") from exc
    except yaml.YAMLError as exc:
        if "nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own limit
            mark = getattr(exc, "problem_mark", None)
            raise YamlRefused("文件嵌套层数太深，已拒绝读取", "nesting too deep; file refused",
                              mark.line + 1 if mark else None) from exc
        raise
    finally:
        loader.dispose()


def load_one(text: str) -> Any:
    docs = load_all(text)
    return docs[0] if docs else None

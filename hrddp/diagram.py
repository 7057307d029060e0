"""The engagement lifecycle drawn from the state machine's own transitions.

grandalf lays the states out in layers (Sugiyama); the template turns the
positions into SVG. The layout depends only on the code, so it is computed
once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from grandalf.graphs import Edge, Graph, Vertex
from grandalf.layouts import SugiyamaLayout
from grandalf.routing import EdgeViewer, route_with_lines

from hrddp.lifecycle import all_transitions
from hrddp.models import State

NODE_W, NODE_H = 150, 34
MARGIN = 24


@dataclass(frozen=True)
class Node:
    state: str
    label: str
    x: float  # top-left corner
    y: float

    @property
    def cx(self):
        return self.x + NODE_W / 2

    @property
    def cy(self):
        return self.y + NODE_H / 2

    @property
    def text_y(self):
        return self.cy + 4  # baseline that centres 12px text


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    names: tuple[str, ...]
    labels: tuple[str, ...]
    path: str


@dataclass(frozen=True)
class SharedExit:
    """A step open from many states (e.g. withdrawing a request), listed rather than drawn."""

    name: str
    label: str
    who: str
    sources: tuple[str, ...]
    target: str

    @property
    def source_labels(self):
        return [State(s).label for s in self.sources]

    @property
    def target_label(self):
        return State(self.target).label


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    nodes: tuple[Node, ...]
    arrows: tuple[Arrow, ...]
    shared_exits: tuple[SharedExit, ...]


class _View:
    w, h = NODE_W, NODE_H
    xy = (0, 0)


def _path(points) -> str:
    first, *rest = points
    return f"M{first[0]:.1f},{first[1]:.1f} " + " ".join(f"L{x:.1f},{y:.1f}" for x, y in rest)


# A step open from more states than this is listed under the drawing: ten
# arrows into one state would hide the lifecycle's shape.
MAX_DRAWN_SOURCES = 3


@functools.cache
def lifecycle_layout() -> Layout:
    sources_by_name: dict[str, list] = {}
    for t in all_transitions():
        sources_by_name.setdefault(t.name, []).append(t)
    shared = {name for name, ts in sources_by_name.items() if len(ts) > MAX_DRAWN_SOURCES}

    # One arrow per (source, target) pair, carrying every transition between them.
    pairs: dict[tuple[str, str], list] = {}
    for t in all_transitions():
        if t.name not in shared:
            pairs.setdefault((t.source, t.target), []).append(t)

    vertices = {state.value: Vertex(state.value) for state in State}
    for v in vertices.values():
        v.view = _View()
    edges = {}
    for source, target in pairs:
        if source != target:
            edges[(source, target)] = Edge(vertices[source], vertices[target])
            edges[(source, target)].view = EdgeViewer()
    graph = Graph(list(vertices.values()), list(edges.values()))
    for component in graph.C:
        layout = SugiyamaLayout(component)
        layout.xspace, layout.yspace = 28, 30
        roots = [vertices[State.DRAFT]] if vertices[State.DRAFT] in component.sV else None
        layout.init_all(roots=roots)
        layout.route_edge = route_with_lines
        layout.draw(3)

    route_points = [p for e in edges.values() for p in e.view._pts]
    xs = [v.view.xy[0] - NODE_W / 2 for v in vertices.values()] + [p[0] for p in route_points]
    ys = [v.view.xy[1] - NODE_H / 2 for v in vertices.values()] + [p[1] for p in route_points]
    dx, dy = MARGIN - min(xs), MARGIN - min(ys)

    nodes = tuple(
        Node(state=s.value, label=s.label, x=vertices[s.value].view.xy[0] + dx - NODE_W / 2,
             y=vertices[s.value].view.xy[1] + dy - NODE_H / 2)
        for s in State
    )
    arrows = []
    for (source, target), transitions in pairs.items():
        names = tuple(t.name for t in transitions)
        labels = tuple(t.label for t in transitions)
        if source == target:
            # A step that keeps the state (e.g. recording the course of action): a loop on the node's right.
            node = next(n for n in nodes if n.state == source)
            x, y = node.x + NODE_W, node.cy
            path = f"M{x:.1f},{y - 8:.1f} C{x + 30:.1f},{y - 26:.1f} {x + 30:.1f},{y + 26:.1f} {x:.1f},{y + 8:.1f}"
        else:
            points = [(px + dx, py + dy) for px, py in edges[(source, target)].view._pts]
            path = _path(points)
        arrows.append(Arrow(source=source, target=target, names=names, labels=labels, path=path))

    right = max([n.x + NODE_W for n in nodes] + [p[0] + dx for p in route_points])
    bottom = max([n.y + NODE_H for n in nodes] + [p[1] + dy for p in route_points])
    shared_exits = tuple(
        SharedExit(
            name=name, label=sources_by_name[name][0].label, who=sources_by_name[name][0].who,
            sources=tuple(t.source for t in sources_by_name[name]), target=sources_by_name[name][0].target,
        )
        for name in sorted(shared)
    )
    return Layout(
        width=right + MARGIN + 30, height=bottom + MARGIN, nodes=nodes, arrows=tuple(arrows), shared_exits=shared_exits
    )

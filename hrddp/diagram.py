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
class Layout:
    width: float
    height: float
    nodes: tuple[Node, ...]
    arrows: tuple[Arrow, ...]


class _View:
    w, h = NODE_W, NODE_H
    xy = (0, 0)


def _path(points) -> str:
    first, *rest = points
    return f"M{first[0]:.1f},{first[1]:.1f} " + " ".join(f"L{x:.1f},{y:.1f}" for x, y in rest)


@functools.cache
def lifecycle_layout() -> Layout:
    # One arrow per (source, target) pair, carrying every transition between them.
    pairs: dict[tuple[str, str], list] = {}
    for t in all_transitions():
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

    xs = [v.view.xy[0] for v in vertices.values()]
    ys = [v.view.xy[1] for v in vertices.values()]
    dx, dy = MARGIN + NODE_W / 2 - min(xs), MARGIN + NODE_H / 2 - min(ys)

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

    width = max(n.x for n in nodes) + NODE_W + MARGIN + 30
    height = max(n.y for n in nodes) + NODE_H + MARGIN
    return Layout(width=width, height=height, nodes=nodes, arrows=tuple(arrows))

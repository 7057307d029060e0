from hrddp.diagram import lifecycle_layout
from hrddp.lifecycle import all_transitions
from hrddp.models import State


def test_it_draws_every_state():
    layout = lifecycle_layout()
    assert {n.state for n in layout.nodes} == set(State.values)


def test_it_draws_or_lists_every_transition():
    # Given the transitions declared on the model, each (source, target) pair
    # appears as an arrow, or under a shared exit when open from many states.
    layout = lifecycle_layout()
    drawn = {(a.source, a.target, name) for a in layout.arrows for name in a.names}
    listed = {(s, e.target, e.name) for e in layout.shared_exits for s in e.sources}
    declared = {(t.source, t.target, t.name) for t in all_transitions()}
    assert drawn | listed == declared
    assert not drawn & listed


def test_withdrawing_a_request_is_listed_not_drawn():
    layout = lifecycle_layout()
    assert [e.name for e in layout.shared_exits] == ["withdraw_request"]


def test_no_two_states_overlap():
    nodes = lifecycle_layout().nodes
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            assert abs(a.x - b.x) >= 150 or abs(a.y - b.y) >= 34, (a.state, b.state)

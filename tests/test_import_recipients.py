"""Importing recipients with their commands and units: parents in the same file in any order,
updates of recorded ones, the model's rules and the importer's countries, all or nothing."""

from hrddp.models import Recipient, RecipientCategory, RecipientLevel
from tests.test_import_helpers import RECIPIENT_HEADERS, confirm, csv_file, dry_run, problems_by_row, xlsx_file

GOOD_ROWS = [
    # children before their parents, one by path, one by name
    ["Rapid Intervention Unit", "Darvonia", "", "unit", "Darvonian Police Force › Esse Province Command"],
    ["Esse Province Command", "Darvonia", "", "command", "Darvonian Police Force"],
    ["Darvonian Police Force", "Darvonia", "Police", "force", ""],
    ["Border Guard", "Darvonia", "border_customs", "Force", ""],
    ["Crossing Y Unit", "Darvonia", "", "unit", "Border Guard"],
]


def _tree():
    return {
        (r.name, r.level, r.parent.name if r.parent else None, r.category)
        for r in Recipient.objects.select_related("parent")
    }


def test_it_imports_every_row_of_a_good_file_parents_first(pm):
    # given a file whose units come before their commands and forces
    outcome = dry_run("recipients", pm, csv_file(RECIPIENT_HEADERS, GOOD_ROWS))
    assert (outcome.new, outcome.errors) == (5, 0)
    assert not Recipient.objects.exists()  # a dry run writes nothing

    # when it is confirmed
    done = confirm(pm, outcome)

    # then every recipient is there under its parent, commands and units of their force's category
    assert done.imported and done.new == 5
    assert _tree() == {
        ("Darvonian Police Force", "force", None, "police"),
        ("Esse Province Command", "command", "Darvonian Police Force", "police"),
        ("Rapid Intervention Unit", "unit", "Esse Province Command", "police"),
        ("Border Guard", "force", None, "border_customs"),
        ("Crossing Y Unit", "unit", "Border Guard", "border_customs"),
    }


def test_it_imports_nothing_when_one_row_is_bad(pm):
    # given a good file with one unit placed under a unit (row 4)
    rows = GOOD_ROWS[:3] + [["Squad 9", "Darvonia", "", "unit", "Rapid Intervention Unit"]] + GOOD_ROWS[3:]
    outcome = dry_run("recipients", pm, xlsx_file(RECIPIENT_HEADERS, rows))

    # then the dry run reports that row only, with the model's reason, and offers no confirm
    assert problems_by_row(outcome) == {
        5: ["Parent: “Rapid Intervention Unit” is a unit (row 2); a unit cannot sit under a unit."]
    }
    assert (outcome.new, outcome.errors, outcome.token) == (5, 1, "")
    assert not Recipient.objects.exists()


def test_a_recorded_recipient_is_updated_and_an_unchanged_one_left_alone(pm, office_a):
    # given a recorded force and command
    force = Recipient.objects.create(name="Darvonian Police Force", country="Darvonia", category=RecipientCategory.POLICE)
    command = Recipient.objects.create(
        name="Esse Province Command", country="Darvonia", category=RecipientCategory.POLICE,
        level=RecipientLevel.COMMAND, parent=force,
    )
    # when a file gives the force again, and the command with another category
    rows = [
        ["darvonian police force", "darvonia", "", "force", ""],
        ["Esse Province Command", "Darvonia", "paramilitary", "command", "Darvonian Police Force"],
    ]
    outcome = dry_run("recipients", pm, csv_file(RECIPIENT_HEADERS, rows))
    assert [row.result for row in outcome.rows] == ["unchanged", "update"]
    done = confirm(pm, outcome)

    # then nothing is duplicated and the command's category changed
    assert done.imported
    assert Recipient.objects.count() == 2
    command.refresh_from_db()
    assert command.category == RecipientCategory.PARAMILITARY


def test_a_row_for_a_country_where_the_user_is_not_a_project_manager_is_an_error(outsider):
    # given the project manager of Meridia
    rows = [
        ["Meridian Coast Guard", "Meridia", "coast_guard", "force", ""],
        ["Darvonian Army", "Darvonia", "military", "force", ""],
    ]

    # when their file names a Darvonian force
    outcome = dry_run("recipients", outsider, csv_file(RECIPIENT_HEADERS, rows))

    # then that row is refused, with the countries they may import for
    assert problems_by_row(outcome) == {
        3: ["Country: You import for Meridia only, where you are a project manager; not for Darvonia."]
    }


def test_the_models_rules_and_missing_values_are_reported_in_words(pm):
    rows = [
        ["", "Darvonia", "police", "force", ""],
        ["Army", "Darvonia", "", "force", ""],
        ["Lost Command", "Darvonia", "", "command", ""],
        ["Ghost Unit", "Darvonia", "", "unit", "Nowhere Force"],
        ["Army 2", "Darvonia", "tanks", "brigade", ""],
        ["Army 3", "Darvonia", "military", "force", ""],
        ["army 3", "Darvonia", "military", "force", ""],
    ]
    outcome = dry_run("recipients", pm, csv_file(RECIPIENT_HEADERS, rows))
    assert problems_by_row(outcome) == {
        2: ["Name: Give the name of the force, command or unit."],
        3: ["Category: Give the category of the force, e.g. Police."],
        4: ["Parent: A command belongs to a force or command."],
        5: ["Parent: No force, command or unit called “Nowhere Force” in Darvonia."],
        6: [
            "Category: “tanks” is not a recipient category (see the accepted values on the import page).",
            "Level: “brigade” is not a level (Force; Command; Unit).",
        ],
        8: ["Row 7 already gives this recipient."],
    }


def test_changing_a_level_that_would_strand_recorded_units_is_an_error(pm):
    # given a recorded command with a unit under it
    force = Recipient.objects.create(name="Police", country="Darvonia", category="police")
    command = Recipient.objects.create(name="North", country="Darvonia", category="police", level="command", parent=force)
    Recipient.objects.create(name="Unit 1", country="Darvonia", category="police", level="unit", parent=command)

    # when a file makes the command a unit
    outcome = dry_run("recipients", pm, csv_file(RECIPIENT_HEADERS, [["North", "Darvonia", "", "unit", "Police"]]))

    # then it is refused: its unit could not sit under a unit
    assert problems_by_row(outcome) == {2: ["Level: Unit 1 (unit) is recorded under it and cannot sit under a unit."]}


def test_an_ambiguous_parent_asks_for_its_path(pm):
    # given two forces each with a command called North
    for name in ("Police", "Gendarmerie"):
        force = Recipient.objects.create(name=name, country="Darvonia", category="police")
        Recipient.objects.create(name="North", country="Darvonia", category="police", level="command", parent=force)
    rows = [["Unit 7", "Darvonia", "", "unit", "North"], ["Unit 8", "Darvonia", "", "unit", "Police > North"]]

    outcome = dry_run("recipients", pm, csv_file(RECIPIENT_HEADERS, rows))

    assert problems_by_row(outcome) == {
        2: ["Parent: Several recipients are called “North” (Gendarmerie › North; Police › North): give the path, "
            "e.g. “Gendarmerie › North”."]
    }
    assert outcome.rows[1].result == "new" and outcome.rows[1].label == "Police › North › Unit 8"

"""The toolkit's examples of mitigation measures (T/Action 5), to start plans from."""

from django.db import migrations

TOOLKIT = "IOM HRDDP toolkit, Action 5"
CATALOGUE = [
    ("project_design", "preventive", "Phased delivery of support", "Deliver support in stages, each dependent on conditionalities or human-rights milestones met in the previous one."),
    ("project_design", "preventive", "Pilot support", "Provide low-cost or low-risk support on a trial basis to evaluate the recipient's adherence to agreements and HRDDP obligations."),
    ("project_design", "preventive", "Locate activities where civilian oversight is present", "Place project activities where local authorities, oversight commissions or national human-rights bodies operate."),
    ("project_design", "preventive", "Rights-protective design of infrastructure", "Design police stations and border posts to minimise abuses: location of holding cells, detainee registration, presence of women officers, weapons storage protocols, logbooks."),
    ("communications", "preventive", "Memorandum of Understanding with HRDDP obligations", "An MOU with the host government specifying HRDDP obligations, conditions of support, monitoring protocols and consequences of non-compliance."),
    ("communications", "preventive", "Conditionalities in terms of reference and deeds of donation", "Conditions at unit or government level: adherence to standards and SOPs, screening, reporting, accountability frameworks, human-rights training, updated personnel lists."),
    ("communications", "preventive", "Conduct and misuse clauses in MOUs and deeds of donation", "Clauses on expected conduct, use and misappropriation of materials provided, and the effect on future donations."),
    ("standard_setting", "preventive", "Human-rights training integrated in security training", "Technical assistance and capacity-building on human rights and international migration law within broader security training (e.g. border police academy)."),
    ("standard_setting", "preventive", "Long-term, impact-evaluated training on key risks", "Training programmes on rights-based approaches, human rights, protection and rights-based border management, with impact evaluation."),
    ("standard_setting", "preventive", "Code of conduct", "Help develop a code of conduct: non-discrimination, use of force, protection of persons in custody, rule of law, anti-corruption."),
    ("monitoring", "preventive", "Protection monitoring covers the recipient's conduct", "Existing country-level, agency or inter-agency protection monitoring includes the conduct of support recipients."),
    ("monitoring", "preventive", "Project grievance mechanism", "An accessible, inclusive grievance mechanism for beneficiaries and affected people to report abuse by support recipients."),
    ("monitoring", "preventive", "Community awareness of rights and complaint channels", "Community awareness-raising on human rights and on the complaint mechanisms for reporting security-force abuse."),
    ("sop", "preventive", "Use-of-force guidelines", "Guidelines on the appropriate and proportionate use of force, in line with the UN Basic Principles on the Use of Force and Firearms."),
    ("sop", "preventive", "Detention procedures", "Contextualised SOPs for the humane treatment of detainees (Mandela Rules, UNHCR detention guidelines)."),
    ("screening_exclusion", "preventive", "Exclude individuals implicated in serious violations", "Exclude from support individuals directly implicated in serious human-rights abuses or violations of international law."),
    ("screening_exclusion", "preventive", "Exclude commanders who failed to prevent or punish abuses", "Exclude commanders or supervisors who showed grave negligence in preventing or holding to account abuses by subordinates."),
    ("accountability", "corrective", "Technical assistance for accountability and oversight", "Support accountability systems and civilian oversight of security forces."),
    ("accountability", "corrective", "Conditionality of support on cooperation with investigations", "Continued support depends on cooperation with investigations, corrective measures and holding those responsible to account."),
    ("data_control", "preventive", "Data protection policy and procedures", "A data protection policy covering collection, processing, storage, analysis, sharing and disposal of personal data."),
    ("data_control", "preventive", "Data-sharing agreements", "Agreements with partners and recipients on the terms of data collection, processing, storage, sharing and disposal."),
    ("communications", "preventive", "Minimal branding on material support", "Minimal to no visibility on materials, vehicles and infrastructure given to high-risk recipients, agreed in writing with the donor (T/Box 5)."),
]


def seed(apps, schema_editor):
    MeasureTemplate = apps.get_model("mitigation", "MeasureTemplate")
    for measure_type, nature, title, description in CATALOGUE:
        MeasureTemplate.objects.get_or_create(
            title=title, defaults=dict(measure_type=measure_type, nature=nature, description=description, source=TOOLKIT)
        )


def unseed(apps, schema_editor):
    apps.get_model("mitigation", "MeasureTemplate").objects.filter(source=TOOLKIT).delete()


class Migration(migrations.Migration):
    dependencies = [("mitigation", "0002_measure_catalogue")]
    operations = [migrations.RunPython(seed, unseed)]

"""Who may do what in the admin: each permission belongs to a job, and some to the records an officer leads.

Every permission of the plan's models is decided here, with django-rules (found by its autodiscovery);
the officer groups carry no Django permissions of their own. A group is a job:

- **Plan editors** keep the plan: editions (but not their publication), commitments, priorities, themes,
  actions, measures with their baselines, targets and definitions, partners and localities, and who
  leads what.
- **Performance officers** enter and correct every measure's figures and every action's progress
  updates; they cannot change targets, baselines, definitions or the plan's wording.
- **Leads** do the same as performance officers, for the measures and actions they lead (named on the
  measure or action) and for everything in a priority they lead; other records they can only view.
- **Publishers** publish, unpublish and archive editions, and approve what others entered.
- **Governance officers** keep the bodies, their members, meetings, agendas, decisions, minutes and
  papers, duties and key decisions, and partners and localities.

Every officer with a job can view everything in the admin; staff without one, nothing. Superusers can do everything.
"""

import rules

PLAN_EDITORS = "Plan editors"
PERFORMANCE_OFFICERS = "Performance officers"
LEADS = "Leads"
PUBLISHERS = "Publishers"
GOVERNANCE_OFFICERS = "Governance officers"
JOBS = [PLAN_EDITORS, PERFORMANCE_OFFICERS, LEADS, PUBLISHERS, GOVERNANCE_OFFICERS]

is_officer = rules.is_active & rules.is_staff
plan_editor = is_officer & rules.is_group_member(PLAN_EDITORS)
performance_officer = is_officer & rules.is_group_member(PERFORMANCE_OFFICERS)
lead = is_officer & rules.is_group_member(LEADS)
publisher = is_officer & rules.is_group_member(PUBLISHERS)
governance_officer = is_officer & rules.is_group_member(GOVERNANCE_OFFICERS)


def led_thing(record):
    """The measure or action a record belongs to (a value's measure, an update's action), or the record."""
    for attribute in ("measure", "action"):
        if hasattr(record, f"{attribute}_id"):
            return getattr(record, attribute)
    return record


@rules.predicate
def leads_it(user, record):
    """The officer leads this record's measure or action, or its priority.

    Without a record (a list, or the add page) any lead may go on: the form offers only their own.
    """
    if record is None:
        return True
    thing = led_thing(record)
    if not hasattr(thing, "leads"):
        return False
    if thing.pk is not None and thing.leads.filter(pk=user.pk).exists():
        return True
    priority = getattr(thing, "priority", None)
    return priority is not None and priority.leads.filter(pk=user.pk).exists()


@rules.predicate
def entered_by_someone_else(user, record):
    """Four eyes: an officer never approves what they entered themselves."""
    return record is None or getattr(record, "entered_by_id", None) != user.pk


reporter = performance_officer | (lead & leads_it)
has_a_job = plan_editor | performance_officer | lead | publisher | governance_officer

PLAN = {"priorities": ["planedition", "commitment", "priority", "theme", "action"], "measures": ["measure"]}
SHARED = {"priorities": ["locality", "partnerorganisation"]}
REPORTS = {"measures": ["reportedvalue"], "priorities": ["progressupdate"]}
# A status report kept as a meeting was shown it: taken by those who report or keep the meetings, never changed.
SNAPSHOTS = {"measures": ["scrutinysnapshot"]}
GOVERNANCE = {
    "governance": [
        "body",
        "membership",
        "meeting",
        "agendaitem",
        "decision",
        "attendance",
        "minutes",
        "document",
        "statutoryduty",
        "keydecision",
    ]
}


def grant(models, predicate, actions=("add", "change", "delete")):
    for app_label, names in models.items():
        for name in names:
            for action in actions:
                rules.set_perm(f"{app_label}.{action}_{name}", predicate)


def every_model():
    merged = {}
    for group in (PLAN, SHARED, REPORTS, GOVERNANCE, SNAPSHOTS):
        for app_label, names in group.items():
            merged.setdefault(app_label, []).extend(names)
    return merged


# The admin's index shows the apps to any officer with a job; each of them can view every record.
for app_label in ("priorities", "measures", "governance"):
    rules.set_perm(app_label, has_a_job)
grant(every_model(), has_a_job, actions=("view",))

grant(PLAN, plan_editor)
# An action's progress (per cent complete) is reported, not plan wording: reporters change it, and only it.
rules.set_perm("priorities.change_action", plan_editor | reporter)
rules.set_perm("priorities.edit_action", plan_editor)
rules.set_perm("priorities.report_action", reporter)
# A publisher opens an edition to publish it; only its status is theirs to change (ADMIN_FIELD_PERMISSIONS).
rules.set_perm("priorities.change_planedition", plan_editor | publisher)
rules.set_perm("priorities.edit_planedition", plan_editor)
grant(SHARED, plan_editor | governance_officer)
grant(REPORTS, reporter)
grant(GOVERNANCE, governance_officer)
grant(SNAPSHOTS, performance_officer | governance_officer, actions=("add",))

# Publishing: only a publisher changes whether an edition is public (a field the admin locks for others).
rules.set_perm("priorities.publish_planedition", publisher)
# Approving a figure or a progress update: a publisher, never the officer who entered it.
rules.set_perm("measures.approve_reportedvalue", publisher & entered_by_someone_else)
rules.set_perm("priorities.approve_progressupdate", publisher & entered_by_someone_else)

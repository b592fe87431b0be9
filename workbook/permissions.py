"""Who may import and export the organisation as a workbook."""

# Everything an import may write: whoever imports must be allowed to do it by hand.
IMPORT_PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, model in [
        ("departments", "department"),
        ("departments", "departmentfunction"),
        ("positions", "position"),
        ("positions", "duty"),
        ("positions", "dottedline"),
        ("positions", "employee"),
        ("positions", "assignment"),
        ("kpis", "kpi"),
        ("kpis", "form"),
    ]
    for action in ("add", "change", "delete")
]
# The export is the whole organisation in bulk, employees' names and logins
# included: an HR tool, like the import, not something every reader needs.
EXPORT_PERMISSIONS = ["departments.change_department", "positions.change_position"]

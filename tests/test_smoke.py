def test_groups_exist(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) == {
        "HR editors",
        "Employees",
        "Reviewers",
        "Approvers",
    }

from catalog.models import Category, TimeLimit


def names(response):
    return [(c["minor_code"], c["minor_name"]) for c in response.json()]


def test_search_needs_a_signed_in_user(client, catalogue):
    response = client.get("/api/catalog/categories?q=jg")
    assert response.status_code == 401
    assert response.json() == {"detail": "authentication required"}


def test_wsjg_finds_the_sewer_cover_in_both_schemes_the_current_one_first(client, catalogue, carol):
    client.force_login(carol)
    assert names(client.get("/api/catalog/categories?q=wsjg&kind=component")) == [
        ("01002", "污水井盖"),
        ("0102", "污水井盖"),
    ]


def test_initials_that_start_the_name_rank_before_those_inside_it(client, catalogue, carol):
    client.force_login(carol)
    found = names(client.get("/api/catalog/categories?q=jg&kind=component&scheme=GB/T 47678.5-2026"))
    assert found[:3] == [("01039", "景观灯"), ("01001", "供水井盖"), ("01002", "污水井盖")]


def test_jg_finds_every_gb_cover(client, catalogue, carol):
    client.force_login(carol)
    found = names(client.get("/api/catalog/categories?q=JG&kind=component&scheme=GB/T 47678.5-2026"))
    covers = [name for _code, name in found if "井盖" in name]
    assert len(covers) == 20
    assert ("01002", "污水井盖") in found and ("01023", "不明井盖") in found


def test_a_chinese_name_fragment_and_a_code_prefix_both_search(client, catalogue, carol):
    client.force_login(carol)
    assert names(client.get("/api/catalog/categories?q=行道树")) == [
        ("04002", "行道树"),
        ("0402", "行道树"),
        ("04002", "行道树异常"),
    ]
    assert [
        c
        for c, _n in names(
            client.get("/api/catalog/categories?q=0400&kind=component&scheme=GB/T 47678.5-2026")
        )
    ] == [
        "04001",
        "04002",
        "04003",
        "04004",
        "04005",
        "04006",
        "04007",
        "04008",
        "04009",
    ]


def test_the_detail_shows_local_settings_and_which_limits_are_defaults(
    client, catalogue, carol, city_management
):
    cover = Category.objects.get(scheme="GB/T 47678.5-2026", kind="component", minor_code="01002")
    cover.department = city_management
    cover.registration_condition = "井盖丢失"
    cover.save()
    TimeLimit.objects.create(category=cover, step="handle", area_class="A", amount=2, unit="clock_hours")
    TimeLimit.objects.create(category=None, step="handle", area_class="A", amount=2, unit="working_days")
    TimeLimit.objects.create(category=None, step="handle", area_class="C", amount=5, unit="working_days")
    TimeLimit.objects.create(category=None, step="register", area_class="", amount=30, unit="clock_minutes")
    client.force_login(carol)
    body = client.get(f"/api/catalog/categories/{cover.id}").json()
    assert (body["department_name"], body["registration_condition"]) == ("呈贡区城市管理局", "井盖丢失")
    assert [
        (t["step"], t["area_class"], t["amount"], t["unit_label"], t["own"]) for t in body["time_limits"]
    ] == [
        ("register", "", "30.00", "自然分钟", False),
        ("handle", "A", "2.00", "自然小时", True),
        ("handle", "C", "5.00", "工作日", False),
    ]


def test_a_missing_category_is_a_404_json(client, catalogue, carol):
    client.force_login(carol)
    response = client.get("/api/catalog/categories/999999")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_major_classes_of_the_current_scheme_with_their_sizes(client, catalogue, carol):
    client.force_login(carol)
    body = client.get("/api/catalog/majors?kind=component").json()
    assert [(m["major_code"], m["major_name"], m["count"]) for m in body] == [
        ("01", "市政公用设施", 76),
        ("02", "交通设施", 44),
        ("03", "市容环卫设施", 16),
        ("04", "园林绿化设施", 14),
        ("05", "其他管理部件", 3),
    ]

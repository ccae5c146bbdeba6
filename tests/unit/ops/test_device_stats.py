from netbox_wmf_ops.ops.device_stats import count_devices, render_device_counts


def test_prometheus_output_in_first_seen_order():
    keys = [
        ("active", "eqiad", "eqiad-row-a", "dell"),
        ("planned", "codfw", None, "juniper"),
        ("active", "eqiad", "eqiad-row-a", "dell"),
    ]
    assert render_device_counts(count_devices(keys)) == (
        "# HELP netbox_device_count The number of devices with various properties.\n"
        "# TYPE netbox_device_count gauge\n"
        'netbox_device_count{status="active",datacenter="eqiad",rackgroup="eqiad-row-a",manufacturer="dell"} 2\n'
        'netbox_device_count{status="planned",datacenter="codfw",rackgroup="None",manufacturer="juniper"} 1\n'
    )


def test_no_devices_gives_only_the_header():
    assert render_device_counts(count_devices([])).count("\n") == 2


def test_label_values_are_escaped():
    out = render_device_counts(count_devices([("active", 'we"ird\\', "a\nb", "x")]))
    assert 'datacenter="we\\"ird\\\\",rackgroup="a\\nb"' in out

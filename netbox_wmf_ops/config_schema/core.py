"""Settings of the plugin's installation steps (run after every ``netbox migrate``) and of the save-time validators."""

from .validators import Setting, boolean

SETTINGS: dict[str, Setting] = {
    "register_shipped_scripts": Setting(
        True,
        boolean,
        "Write the shipped reports/scripts into SCRIPTS_ROOT and register them after every `netbox migrate`.",
    ),
    "provision_custom_fields": Setting(
        True, boolean, "Create the device custom fields purchase_date and ticket on migrate when they are missing."
    ),
    "install_custom_links": Setting(True, boolean, "Install/refresh the shipped custom links on migrate."),
    "register_validators": Setting(
        False,
        boolean,
        "Run the shipped save-time validators without listing them in CUSTOM_VALIDATORS (docs/validators.md).",
    ),
    "validators_grandfathering": Setting(
        False, boolean, "Refuse a save only for validator rules the stored object did not already break."
    ),
    "api_schema_login_required": Setting(
        True, boolean, "With LOGIN_REQUIRED, refuse anonymous requests to /api/schema/ and its doc pages."
    ),
}

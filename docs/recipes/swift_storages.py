# Recipe 2 of docs/deployment.md: the lines configuration.py adds to keep uploaded files (image attachments) and
# NetBox's scripts storage, where the plugin writes its generated wmf_ops_*.py modules, on OpenStack Swift with
# django-storage-swift. tests/integration/deploy/test_swift.py appends this file unchanged to its instance's
# configuration.py. The containers and the account's temp-URL key are set up once by the operators (see the docs).
import os

_SWIFT = {
    "api_auth_url": os.environ.get("NETBOX_SWIFT_AUTH_URL", "https://ms-fe.svc.eqiad.wmnet/auth/v1.0"),
    "api_username": os.environ.get("NETBOX_SWIFT_USER", "netbox:prod"),
    "api_key": os.environ["NETBOX_SWIFT_KEY"],  # never written here
    "auth_version": "1",  # tempauth/swauth; Keystone: "3" with the tenant/domain options
    "auto_create_container": False,  # a missing container is an error, not silently created
    "lazy_connect": True,  # connect at the first file operation, not while NetBox starts
}
STORAGES = {
    "default": {
        "BACKEND": "swift.storage.SwiftStorage",
        "OPTIONS": {
            **_SWIFT,
            "container_name": os.environ.get("NETBOX_SWIFT_MEDIA_CONTAINER", "netbox-media"),
            # Browsers fetch uploads from Swift with signed links that expire: the container stays private.
            "use_temp_urls": True,
            "temp_url_key": os.environ["NETBOX_SWIFT_TEMP_URL_KEY"],
            "temp_url_duration": 3600,
        },
    },
    "scripts": {
        "BACKEND": "swift.storage.SwiftStorage",
        "OPTIONS": {
            **_SWIFT,
            "container_name": os.environ.get("NETBOX_SWIFT_SCRIPTS_CONTAINER", "netbox-scripts"),
            # NetBox and the plugin rewrite a module in place (as NetBox's own scripts storage allows).
            "auto_overwrite": True,
        },
    },
}

from django.core.management.base import BaseCommand, CommandError

from netbox_wmf_ops.demo.load import load_fleet
from netbox_wmf_ops.demo.plan import plan_fleet


class Command(BaseCommand):
    help = (
        "Load the deterministic, Wikimedia-shaped demo/benchmark fleet (sites, racks, devices, cables, IPAM, VMs) "
        "with its seeded report defects into an empty NetBox database. See docs/demo-data.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 ≈ 2,500 devices and 1,000 VMs (default)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same fleet (default 1)")
        parser.add_argument("--force", action="store_true", help="load even though the database already holds devices")

    def handle(self, *args, scale, seed, force, **options):
        from dcim.models import Device

        if scale <= 0 or scale > 20:
            raise CommandError(f"--scale must be > 0 and <= 20 (got {scale})")
        existing = Device.objects.count()
        if existing and not force:
            raise CommandError(
                f"this database already holds {existing} devices; the demo fleet is meant for an empty NetBox. "
                "Use a fresh database, or pass --force to load anyway (names that already exist will clash)."
            )
        self.stdout.write(f"planning the fleet: scale {scale}, seed {seed}")
        plan = plan_fleet(scale, seed)
        counts = plan.counts()
        self.stdout.write(
            f"plan: {counts['devices']} devices, {counts['interfaces']} interfaces, {counts['cables']} cables, "
            f"{counts['ip_addresses']} IP addresses, {counts['virtual_machines']} VMs, "
            f"{sum(len(v) for v in plan.defects.values())} seeded defect/edge objects"
        )
        timings = load_fleet(plan, log=lambda line: self.stdout.write(line, ending="\n") or self.stdout.flush())
        self.stdout.write(self.style.SUCCESS(f"demo fleet loaded in {timings['total']:.1f} s"))

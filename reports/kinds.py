"""What reports registers with `common.kinds`: its part of « Mes données »
(reports.personal_data). Called once from ReportsConfig.ready()."""

from reports import personal_data


def register_all() -> None:
    personal_data.register()

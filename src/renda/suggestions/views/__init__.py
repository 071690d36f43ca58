"""Pages of suggestion handling: the deputy on a phone, the clerk, the handling unit, the county; every change
goes through the same services as the API."""

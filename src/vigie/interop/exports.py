"""Incident exports (CSV, GeoJSON, HXL). Filled in below."""


def write_csv(*args, **kwargs):
    raise NotImplementedError


write_geojson = write_hxl = write_csv

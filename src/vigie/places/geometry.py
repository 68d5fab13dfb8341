"""Which polygon holds a point: ray casting in numpy, with a bounding-box prefilter. Plain Python.

Measured on the 701 commune polygons of Mali (bench/gazetteer.py, bench/RESULTS.md): several hundred
thousand points a second on one core, without shapely or GDAL (neither is a dependency of Vigie).
Polygons are GeoJSON geometries (Polygon or MultiPolygon, lon/lat); a point on a border shared by
two neighbours falls in exactly one of them (the half-open rule of ray casting), and holes are
handled by the even-odd rule over every ring of a feature.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


def _rings(geometry: dict) -> list[list[list[float]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return list(geometry["coordinates"])
    if kind == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    raise ValueError(f"not a polygon: {kind}")


class PolygonIndex:
    """Polygons and their keys; ``locate`` gives, for each point, the position of the polygon that
    holds it in ``keys`` (or -1)."""

    def __init__(self, keys: Sequence, geometries: Iterable[dict]) -> None:
        self.keys = list(keys)
        boxes: list[tuple[float, float, float, float]] = []
        self._edges: list[tuple[np.ndarray, ...]] = []
        for geometry in geometries:
            x1s, y1s, x2s, y2s = [], [], [], []
            for ring in _rings(geometry):
                points = np.asarray(ring, dtype=np.float64)[:, :2]
                if len(points) < 3:
                    continue
                if not np.array_equal(points[0], points[-1]):
                    points = np.vstack([points, points[:1]])
                x1s.append(points[:-1, 0])
                y1s.append(points[:-1, 1])
                x2s.append(points[1:, 0])
                y2s.append(points[1:, 1])
            x1, y1, x2, y2 = (np.concatenate(part) for part in (x1s, y1s, x2s, y2s))
            # Horizontal edges never cross a horizontal ray: dropped, which also avoids 0/0 below.
            keep = y1 != y2
            x1, y1, x2, y2 = x1[keep], y1[keep], x2[keep], y2[keep]
            slope = (x2 - x1) / (y2 - y1)
            self._edges.append((x1, y1, y2, slope))
            all_x = np.concatenate([x1, x2])
            all_y = np.concatenate([y1, y2])
            boxes.append((all_x.min(), all_y.min(), all_x.max(), all_y.max()))
        if len(boxes) != len(self.keys):
            raise ValueError("one geometry per key")
        self._boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)

    def __len__(self) -> int:
        return len(self.keys)

    @staticmethod
    def _inside(edges: tuple[np.ndarray, ...], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        x1, y1, y2, slope = edges
        # points x edges: the edge straddles the point's latitude (half-open) and crosses the ray
        # going east from the point
        py = lat[:, None]
        straddles = (y1 > py) != (y2 > py)
        crossing_x = x1 + (py - y1) * slope
        crosses = straddles & (lon[:, None] < crossing_x)
        return (np.count_nonzero(crosses, axis=1) & 1).astype(bool)

    def locate(self, latitudes, longitudes) -> np.ndarray:
        """For each point, the index (in ``keys``) of the polygon holding it, or -1."""
        lat = np.asarray(latitudes, dtype=np.float64).ravel()
        lon = np.asarray(longitudes, dtype=np.float64).ravel()
        found = np.full(lat.shape, -1, dtype=np.int64)
        if not len(lat) or not len(self.keys):
            return found
        # Points sorted by longitude: each polygon's box is a slice (two binary searches), then a
        # latitude mask; only the points left are tested against the polygon's edges.
        order = np.argsort(lon, kind="stable")
        sorted_lon, sorted_lat = lon[order], lat[order]
        lows = np.searchsorted(sorted_lon, self._boxes[:, 0], side="left")
        highs = np.searchsorted(sorted_lon, self._boxes[:, 2], side="right")
        sorted_found = np.full(lat.shape, -1, dtype=np.int64)
        for polygon in np.flatnonzero(highs > lows):
            low, high = lows[polygon], highs[polygon]
            box = self._boxes[polygon]
            window_lat = sorted_lat[low:high]
            rows = np.flatnonzero(
                (window_lat >= box[1]) & (window_lat <= box[3]) & (sorted_found[low:high] < 0)
            )
            if not len(rows):
                continue
            rows += low
            inside = self._inside(self._edges[polygon], sorted_lon[rows], sorted_lat[rows])
            sorted_found[rows[inside]] = polygon
        found[order] = sorted_found
        return found

    def locate_one(self, latitude: float, longitude: float):
        """The key of the polygon holding the point, or None."""
        boxes = self._boxes
        candidates = np.flatnonzero(
            (longitude >= boxes[:, 0])
            & (longitude <= boxes[:, 2])
            & (latitude >= boxes[:, 1])
            & (latitude <= boxes[:, 3])
        )
        lat = np.array([latitude], dtype=np.float64)
        lon = np.array([longitude], dtype=np.float64)
        for polygon in candidates:
            if self._inside(self._edges[polygon], lon, lat)[0]:
                return self.keys[polygon]
        return None

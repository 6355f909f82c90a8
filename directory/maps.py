"""A small map of a group's place, drawn only when an operator sets MAP_TILE_URL.

No script: one tile of the operator's tile server inside an SVG, with a marker at the exact
point. Off by default, so by default no request leaves the site.
"""

import math

from django.conf import settings

TILE = 256


def tile_map(latitude, longitude, zoom=16):
    """{"url", "x", "y"}: the tile holding the point and the point's pixel in it, or None."""
    template = settings.MAP_TILE_URL
    if not template or latitude is None or longitude is None:
        return None
    lat, lon = float(latitude), float(longitude)
    scale = 2**zoom
    world_x = (lon + 180.0) / 360.0 * scale
    lat_rad = math.radians(lat)
    world_y = (1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * scale
    tile_x, tile_y = int(world_x), int(world_y)
    return {
        "url": template.format(z=zoom, x=tile_x, y=tile_y, s="a"),
        "x": round((world_x - tile_x) * TILE, 1),
        "y": round((world_y - tile_y) * TILE, 1),
    }

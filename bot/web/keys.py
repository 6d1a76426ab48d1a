"""What the web app holds (``app[...]``), for the route modules, the middlewares and the Kakao
skill served by the same app.

Everything comes from :data:`SERVICES_KEY`: the process's one :class:`~bot.services.Services`
(``norae up`` hands the same object to the web app, the Kakao skill and the Discord bot).
:data:`HUB_KEY` is the web's own: the browsers watching each room.
"""

from __future__ import annotations

from aiohttp import web

from bot.services import Services
from bot.web.live import RoomHub

SERVICES_KEY: web.AppKey[Services] = web.AppKey("services", Services)
HUB_KEY: web.AppKey[RoomHub] = web.AppKey("hub", RoomHub)

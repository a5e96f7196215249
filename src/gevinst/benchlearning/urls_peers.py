"""Routes: similar municipalities (per region) and benchlearning networks."""

from django.urls import path

from . import views_peers

app_name = "peers"
urlpatterns = [
    path("region/<str:code>/lignende/", views_peers.peers, name="similar"),
    path("region/<str:code>/lignende/lagre/", views_peers.save_peers, name="save"),
    path("nettverk/", views_peers.network, name="network"),
]

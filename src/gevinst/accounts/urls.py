from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.LogoutView.as_view(), name="logout"),
    path("org/", views.home, name="home"),
    path("org/<slug:slug>/", views.org_home, name="org"),
    path("org/<slug:slug>/medlemmer/", views.members, name="members"),
    path("org/<slug:slug>/medlemmer/<int:pk>/rolle/", views.member_role, name="member_role"),
    path("org/<slug:slug>/medlemmer/<int:pk>/fjern/", views.member_remove, name="member_remove"),
    path("org/<slug:slug>/invitasjoner/<int:pk>/trekk/", views.invitation_revoke, name="invitation_revoke"),
    path("invitasjon/<str:token>/", views.accept_invitation, name="invitation"),
    path("konto/tokens/", views.api_tokens, name="tokens"),
    path("konto/tokens/<int:pk>/trekk/", views.api_token_revoke, name="token_revoke"),
]

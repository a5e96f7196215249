from django.urls import include, path

from . import views_finance

finance_patterns = ([
    path("region/<str:code>/okonomi/", views_finance.finance, name="page"),
    path("region/<str:code>/okonomi/okonomi.<str:fmt>", views_finance.export, name="export"),
], "economy_finance")

urlpatterns = [path("", include(finance_patterns))]

from django.http import HttpResponse


def region_list(request):
    return HttpResponse("gevinst")


def region_detail(request, code):
    return HttpResponse(code)

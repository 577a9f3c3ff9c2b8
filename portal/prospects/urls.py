app_name = "prospects"
urlpatterns = []

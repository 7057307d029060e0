"""The portfolio dashboard, the lists across engagements and their exports."""

urlpatterns = []

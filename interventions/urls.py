"""Letters of one engagement; included under engagements/<int:pk>/ (pk is the engagement)."""

from django.urls import path

from interventions import views_letters

urlpatterns = [
    path("letters/", views_letters.letter_list, name="letter_list"),
    path("letters/new/", views_letters.letter_new, name="letter_new"),
    path("letters/<int:letter_pk>/", views_letters.letter_detail, name="letter_detail"),
    path("letters/<int:letter_pk>/edit/", views_letters.letter_edit, name="letter_edit"),
    path("letters/<int:letter_pk>/preview.pdf", views_letters.letter_preview, name="letter_preview"),
    path("letters/<int:letter_pk>/issue/", views_letters.letter_issue, name="letter_issue"),
    path("letters/<int:letter_pk>/pdf", views_letters.letter_pdf, name="letter_pdf"),
    path("letters/<int:letter_pk>/dispatch/", views_letters.letter_dispatch, name="letter_dispatch"),
    path("letters/<int:letter_pk>/correct/", views_letters.letter_correct, name="letter_correct"),
]

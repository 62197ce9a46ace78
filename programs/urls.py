"""Browser routes of programs (included at the site root by clinic/site/urls.py)."""

from django.urls import path

from . import drill_text_views, media_views, report_views, review_views, run_views, views

urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("screens/<int:screen_pk>/program/", views.program_build, name="program_build"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/print/", views.program_print, name="program_print"),
    path("programs/<int:pk>/program.pdf", views.program_pdf, name="program_pdf"),
    path("me/program/print/", views.my_program_print, name="my_program_print"),
    path("me/program.pdf", views.my_program_pdf, name="my_program_pdf"),
    path("me/progress/print/", report_views.my_progress_print, name="my_progress_print"),
    path("me/progress.pdf", report_views.my_progress_pdf, name="my_progress_pdf"),
    path("me/progress/share/", report_views.my_progress_share, name="my_progress_share"),
    path(
        "me/progress/share/<int:pk>/revoke/",
        report_views.my_progress_share_revoke,
        name="my_progress_share_revoke",
    ),
    # A patient's share link: the token is the credential (redacted from logs by name).
    path("shared/progress/<str:token>/", report_views.shared_progress, name="shared_progress"),
    path(
        "shared/progress/<str:token>/report.pdf",
        report_views.shared_progress_pdf,
        name="shared_progress_pdf",
    ),
    path("patients/<int:pk>/progress/print/", report_views.progress_print, name="progress_print"),
    path("patients/<int:pk>/progress.pdf", report_views.progress_pdf, name="progress_pdf"),
    path("me/runs/", run_views.my_runs, name="my_runs"),
    path("me/self-tests/", run_views.my_self_tests, name="my_self_tests"),
    path("patients/<int:pk>/self-tests/ask/", run_views.self_test_ask, name="self_test_ask"),
    path("programs/<int:pk>/history/", views.program_history, name="program_history"),
    path("programs/<int:pk>/note/", views.program_note, name="program_note"),
    path("programs/<int:pk>/publish/", views.program_publish, name="program_publish"),
    path("programs/<int:pk>/items/add/", views.program_item_add, name="program_item_add"),
    path(
        "programs/<int:pk>/items/<int:item_pk>/remove/",
        views.program_item_remove,
        name="program_item_remove",
    ),
    path(
        "programs/<int:pk>/items/<int:item_pk>/dose/",
        views.program_item_dose,
        name="program_item_dose",
    ),
    path(
        "programs/<int:pk>/items/<int:item_pk>/move/",
        views.program_item_move,
        name="program_item_move",
    ),
    path("programs/library/", media_views.drill_library, name="drill_library"),
    path("programs/library/<int:pk>/media/", media_views.drill_media, name="drill_media"),
    path("programs/library/<int:pk>/text/", drill_text_views.drill_text, name="drill_text"),
    path(
        "programs/library/media/<int:pk>/delete/",
        media_views.drill_media_delete,
        name="drill_media_delete",
    ),
    path("media/<path:name>", media_views.media_file, name="drill_media_file"),
    path("worklist/", review_views.worklist_page, name="worklist"),
    path("programs/changes/<int:pk>/accept/", review_views.change_accept, name="change_accept"),
    path("programs/changes/<int:pk>/undo/", review_views.change_undo, name="change_undo"),
    path(
        "programs/<int:pk>/changes/accept/",
        review_views.changes_accept_all,
        name="changes_accept_all",
    ),
    path(
        "programs/<int:pk>/items/<int:item_pk>/override/",
        review_views.item_override,
        name="item_override",
    ),
    path("programs/<int:pk>/resume/", review_views.program_resume, name="program_resume"),
    path("programs/<int:pk>/evaluate/", review_views.program_evaluate, name="program_evaluate"),
]

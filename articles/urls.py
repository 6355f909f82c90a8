from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "articles"

urlpatterns = [
    path(_("articles/"), views.ArticleListView.as_view(), name="list"),
    path(_("articles/feed.xml"), views.ArticleFeed(), name="feed"),
    path(_("articles/preview/<int:pk>/"), views.ArticlePreviewView.as_view(), name="preview"),
    path(_("articles/<slug:slug>/"), views.ArticleDetailView.as_view(), name="detail"),
]

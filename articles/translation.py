from modeltranslation.translator import TranslationOptions, translator

from .models import TRANSLATED_FIELDS, Article


class ArticleOptions(TranslationOptions):
    fields = (*TRANSLATED_FIELDS, "author_role")


translator.register(Article, ArticleOptions)
# The history keeps every language's text, so an editor can restore any of them.
translator.register(Article.history.model, ArticleOptions)

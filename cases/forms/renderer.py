from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders every form with the project's accessible field and error templates."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

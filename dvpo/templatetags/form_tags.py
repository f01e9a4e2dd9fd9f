"""Form rendering helpers for the GOV.UK field templates (templates/includes/fields/)."""

from django import template

register = template.Library()


@register.filter
def select_options(field):
    """A select's options as (value, label, selected), read straight from the field's choices:
    what `{% for option in field %}` gives, without building a sub-widget per option (the
    queues page's owner list has hundreds). Groups are flattened, as that loop did."""
    value = field.value()
    values = value if isinstance(value, list | tuple) else [value]
    chosen = {"" if v is None else str(v) for v in values}
    options = []
    for choice, label in field.field.choices:
        group = label if isinstance(label, list | tuple) else [(choice, label)]
        for option, text in group:
            option = "" if option is None else str(option)
            options.append((option, text, option in chosen))
    return options

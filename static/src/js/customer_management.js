odoo.define('customer_management.web_client', function (require) {
"use strict";
/**
 * Small fixes of Odoo 11's web client for the customer forms and lists:
 * - business refusals (UserError, ValidationError...) open a dialog titled
 *   "Warning", not "Odoo Server Error": the crash manager takes the JSON-RPC
 *   error's generic message as the title of every server exception;
 * - zero shown as an empty value (cm_blank_zero) where 0 means "not set";
 * - a selection as its key (cm_selection_key) in narrow list columns;
 * - the group of the records without a value has a name of its own where
 *   "Undefined" says nothing (customers without a class).
 */
var basicFields = require('web.basic_fields');
var core = require('web.core');
var CrashManager = require('web.CrashManager');
var fieldRegistry = require('web.field_registry');
var ListRenderer = require('web.ListRenderer');
var relationalFields = require('web.relational_fields');

var _lt = core._lt;

var BUSINESS_TITLES = {
    user_error: _lt("Warning"),
    warning: _lt("Warning"),
    validation_error: _lt("Validation Error"),
    access_error: _lt("Access Error"),
    missing_error: _lt("Missing Record"),
};

CrashManager.include({
    show_warning: function (error) {
        var kind = error.data && error.data.exception_type;
        if (!error.type && BUSINESS_TITLES[kind]) {
            error = _.extend({}, error, {
                type: String(BUSINESS_TITLES[kind]),
                data: _.extend({}, error.data, {title: ''}),
            });
        }
        return this._super(error);
    },
});

var FieldBlankZero = basicFields.FieldFloat.extend({
    supportedFieldTypes: ['integer', 'float'],
    _formatValue: function (value) {
        return value === 0 ? '' : this._super.apply(this, arguments);
    },
});
fieldRegistry.add('cm_blank_zero', FieldBlankZero);

// A selection shown as its key in capitals (a class letter), the label as
// its tooltip: for narrow list columns.
var FieldSelectionKey = relationalFields.FieldSelection.extend({
    _renderReadonly: function () {
        var value = this.value;
        var choice = _.find(this.field.selection, function (option) {
            return option[0] === value;
        });
        this.$el.text(value ? String(value).toUpperCase() : '')
            .attr('title', choice ? choice[1] : '');
    },
});
fieldRegistry.add('cm_selection_key', FieldSelectionKey);

// model.field: name of the group of the records where the field is empty
var EMPTY_GROUP_NAMES = {
    'res.partner.prospect_class': _lt("No class"),
};

ListRenderer.include({
    _renderGroupRow: function (group, groupLevel) {
        var field = this.state.groupedBy[groupLevel].split(':')[0];
        var name = EMPTY_GROUP_NAMES[group.model + '.' + field];
        if (name && !group.value) {
            group = _.extend({}, group, {value: String(name)});
        }
        return this._super(group, groupLevel);
    },
});

return {
    FieldBlankZero: FieldBlankZero,
    FieldSelectionKey: FieldSelectionKey,
    EMPTY_GROUP_NAMES: EMPTY_GROUP_NAMES,
};
});

odoo.define('customer_management.pipeline_kanban', function (require) {
"use strict";

// The pipeline kanban (class o_customer_pipeline): each column title also
// counts its cards; the header's counter shows the expected revenue.
var KanbanColumn = require('web.KanbanColumn');

KanbanColumn.include({
    start: function () {
        var result = this._super.apply(this, arguments);
        var renderer = this.getParent();
        var viewClass = (renderer && renderer.arch && renderer.arch.attrs['class']) || '';
        if (!this.folded && /(^|\s)o_customer_pipeline(\s|$)/.test(viewClass)) {
            this.$header.find('.o_column_title').after($('<span/>', {
                'class': 'o_customer_pipeline_count',
                text: ' (' + this.data.count + ')',
            }));
        }
        return result;
    },
});

});

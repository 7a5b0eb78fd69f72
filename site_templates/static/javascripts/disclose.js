/* The lists of the generated pages, once the page has loaded (both sites load this file; it asks
   nothing of any other host). Without it every list shows in full, as the Markdown wrote it.

   - Every table of four or more columns is marked `data-disclose-stack` and each cell is given its
     column's name (`data-label`): on a phone disclose.css shows such a table as stacked rows.
   - A filter bar (site_templates/_filters.md.j2) filters the rows of the tables of its page that
     carry filter values (a `span.disclose-row` in their first cell, written by generator/render.py).
     A table is filtered by the keys its rows carry and no other. The choice is kept in the address
     (`?status=overdue&unit=U-1&sort=0.4.desc`), so a filtered view can be linked; a live region
     says how many rows show, and a table of figures gets a totals row of the rows shown.
   - The column heads of those tables are buttons that sort the rows (aria-sort says how). */
(function () {
  "use strict";

  var KEYS = ["status", "unit", "team", "category", "year", "source", "severity"];

  function text(node) {
    return (node.textContent || "").replace(/\s+/g, " ").trim();
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  /* Each cell knows its column's name; wide tables may stack on a phone. */
  function labelCells(article) {
    article.querySelectorAll("table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), text);
      if (heads.length < 4) {
        return;
      }
      table.setAttribute("data-disclose-stack", "");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (heads[index]) {
            cell.setAttribute("data-label", heads[index]);
          }
          // Ids and dates do not break at their hyphens.
          if (/^([A-Z][A-Za-z0-9]*(-[A-Za-z0-9]+)+|\d{4}-\d\d-\d\d)$/.test(text(cell))) {
            cell.classList.add("disclose-nowrap");
          }
        });
      });
    });
  }

  /* One filtered table: its rows, each with its filter values, and the keys they carry. */
  function List(table, index) {
    this.table = table;
    this.index = index;
    this.body = table.tBodies[0];
    this.rows = Array.prototype.slice.call(this.body.rows).filter(function (row) {
      return row.querySelector(".disclose-row");
    });
    // Rows without filter values: the generator's total of the whole table. They stay last, and
    // give way to the total of the rows shown while a filter hides some rows.
    this.fixed = Array.prototype.slice.call(this.body.rows).filter(function (row) {
      return !row.querySelector(".disclose-row");
    });
    this.keys = {};
    var keys = this.keys;
    this.rows.forEach(function (row, position) {
      var mark = row.querySelector(".disclose-row");
      row.discloseValues = {};
      row.disclosePosition = position;
      KEYS.forEach(function (key) {
        var value = mark.getAttribute("data-" + key);
        if (value !== null) {
          keys[key] = true;
          row.discloseValues[key] = value.split(/\s+/).filter(Boolean);
        }
      });
    });
    var heading = headingBefore(table);
    this.name = heading ? text(heading).replace(/¶$/, "").trim() : "";
  }

  /* The heading a table is under: the nearest before it, looking out through its boxes. */
  function headingBefore(node) {
    var article = node.closest("article");
    while (node && node !== article) {
      var previous = node.previousElementSibling;
      while (previous && !/^H[1-6]$/.test(previous.tagName)) {
        previous = previous.previousElementSibling;
      }
      if (previous) {
        return previous;
      }
      node = node.parentElement;
    }
    return null;
  }

  List.prototype.filter = function (chosen) {
    var keys = this.keys;
    var shown = 0;
    this.rows.forEach(function (row) {
      var visible = Object.keys(chosen).every(function (key) {
        return !keys[key] || (row.discloseValues[key] || []).indexOf(chosen[key]) !== -1;
      });
      row.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    return shown;
  };

  /* A totals row of the rows shown, for a table of figures (a column of whole numbers). */
  List.prototype.total = function (label, rateFormat) {
    var rows = this.rows;
    var filtered = rows.some(function (row) {
      return row.hidden;
    });
    this.fixed.forEach(function (row) {
      row.hidden = filtered;
    });
    if (this.fixed.length && !filtered) {
      // Nothing hidden: the generator's own total row says it.
      if (this.table.tFoot) {
        this.table.tFoot.textContent = "";
      }
      return;
    }
    var width = rows.length ? rows[0].cells.length : 0;
    var sums = [];
    var any = false;
    for (var column = 1; column < width; column += 1) {
      var whole = rows.every(function (row) {
        return /^\d+$/.test(text(row.cells[column]));
      });
      sums.push(whole ? 0 : null);
      any = any || whole;
    }
    if (!any) {
      return;
    }
    rows.forEach(function (row) {
      if (!row.hidden) {
        sums.forEach(function (sum, i) {
          if (sum !== null) {
            sums[i] = sum + parseInt(text(row.cells[i + 1]), 10);
          }
        });
      }
    });
    var foot = this.table.tFoot || this.table.createTFoot();
    foot.textContent = "";
    var total = foot.insertRow();
    total.className = "disclose-total";
    var first = document.createElement("th");
    first.scope = "row";
    first.textContent = label;
    total.appendChild(first);
    var heads = this.table.querySelectorAll("thead th");
    var shown = rows.filter(function (row) {
      return !row.hidden;
    });
    sums.forEach(function (sum, i) {
      var cell = total.insertCell();
      cell.textContent = sum === null ? ratio(shown, i + 1, rateFormat) : String(sum);
      if (heads[i + 1]) {
        cell.setAttribute("data-label", text(heads[i + 1]));
      }
    });
  };

  /* A rate of the rows shown from its parts (`data-ratio-<column>="3/5"` on a row's mark), as the
     generator writes rates ("12 / 21 · 57.1%": one decimal, rounded half up from the exact
     fraction, figures.Rate); a dash where a row lacks them or nothing has an end. */
  function ratio(rows, column, rateFormat) {
    var parts = rows.map(function (row) {
      var value = row.querySelector(".disclose-row").getAttribute("data-ratio-" + column);
      return value && /^\d+\/\d+$/.test(value) ? value.split("/").map(Number) : null;
    });
    if (!parts.length || parts.indexOf(null) !== -1) {
      return "—";
    }
    var part = 0;
    var whole = 0;
    parts.forEach(function (pair) {
      part += pair[0];
      whole += pair[1];
    });
    if (!whole) {
      return "—";
    }
    var tenths = Math.floor((2000 * part + whole) / (2 * whole));
    var percent = Math.floor(tenths / 10) + "." + (tenths % 10) + "%";
    return format(rateFormat || "{percent}", { numerator: part, denominator: whole, percent: percent });
  }

  /* Sorting by a column: numbers as numbers, text in the page's language (pinyin for Chinese). */
  List.prototype.sort = function (column, descending) {
    var rows = this.rows.slice();
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    if (column < 0) {
      rows.sort(function (a, b) {
        return a.disclosePosition - b.disclosePosition;
      });
    } else {
      var values = rows.map(function (row) {
        return text(row.cells[column]);
      });
      var numeric = values.some(function (value) {
        return /\d/.test(value);
      }) && values.every(function (value) {
        return !/\d/.test(value) || (/^\D*\d+(\.\d+)?\D*$/.test(value) && !/^\d{4}-\d\d-\d\d/.test(value));
      });
      var key = function (row) {
        var value = text(row.cells[column]);
        var number = value.match(/\d+(\.\d+)?/);
        return numeric ? (number ? parseFloat(number[0]) : null) : value;
      };
      rows.sort(function (a, b) {
        var x = key(a);
        var y = key(b);
        if (x === null || y === null || x === "" || y === "") {
          // Cells without a value go last, whichever way the column is sorted.
          return (x === null || x === "" ? 1 : 0) - (y === null || y === "" ? 1 : 0);
        }
        var order = numeric ? x - y : collator.compare(x, y);
        return (descending ? -order : order) || a.disclosePosition - b.disclosePosition;
      });
    }
    var body = this.body;
    rows.concat(this.fixed).forEach(function (row) {
      body.appendChild(row);
    });
    this.table.querySelectorAll("thead th").forEach(function (th, index) {
      if (index === column) {
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  };

  function setup() {
    var article = document.querySelector("article");
    if (!article) {
      return;
    }
    labelCells(article);
    var form = article.querySelector("form.disclose-filters");
    if (!form) {
      return;
    }
    var lists = [];
    article.querySelectorAll("table").forEach(function (table) {
      if (table.querySelector(".disclose-row")) {
        lists.push(new List(table, lists.length));
      }
    });
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var status = form.querySelector("[role=status]");
    var sorted = null;
    // Chinese text takes the full-width colon.
    var colon = /^zh/.test(document.documentElement.lang) ? "：" : ": ";

    function chosen() {
      var choice = {};
      selects.forEach(function (select) {
        if (select.value) {
          choice[select.name] = select.value;
        }
      });
      return choice;
    }

    function remember(choice) {
      var params = new URLSearchParams(window.location.search);
      KEYS.concat(["sort"]).forEach(function (key) {
        params.delete(key);
      });
      Object.keys(choice).forEach(function (key) {
        params.set(key, choice[key]);
      });
      if (sorted) {
        params.set("sort", sorted.list + "." + sorted.column + "." + (sorted.descending ? "desc" : "asc"));
      }
      var query = params.toString();
      var address = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      if (address !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", address);
      }
    }

    function apply() {
      var choice = chosen();
      var counts = lists.map(function (list) {
        var shown = list.filter(choice);
        list.total(form.getAttribute("data-total"), form.getAttribute("data-rate"));
        var count = format(form.getAttribute("data-shown"), { shown: shown, total: list.rows.length });
        return lists.length > 1 && list.name ? list.name + colon + count : count;
      });
      status.textContent = counts.join(" · ");
      remember(choice);
    }

    function sortBy(list, column, descending) {
      sorted = column < 0 ? null : { list: list.index, column: column, descending: descending };
      lists.forEach(function (other) {
        if (other !== list) {
          other.sort(-1, false);
        }
      });
      list.sort(column, descending);
    }

    lists.forEach(function (list) {
      list.table.setAttribute("data-disclose-sortable", "");
      list.table.querySelectorAll("thead th").forEach(function (th, column) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "disclose-sort";
        while (th.firstChild) {
          button.appendChild(th.firstChild);
        }
        button.title = format(form.getAttribute("data-sort"), { column: text(button) });
        th.appendChild(button);
        button.addEventListener("click", function () {
          var again = sorted && sorted.list === list.index && sorted.column === column;
          sortBy(list, column, Boolean(again && !sorted.descending));
          apply();
        });
      });
    });

    // The address chooses first: a linked view opens as it was linked.
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var wanted = params.get(select.name);
      var known = Array.prototype.some.call(select.options, function (option) {
        return option.value === wanted;
      });
      select.value = wanted !== null && known ? wanted : "";
    });
    var sort = (params.get("sort") || "").match(/^(\d+)\.(\d+)\.(asc|desc)$/);
    if (sort && lists[+sort[1]] && +sort[2] < lists[+sort[1]].table.querySelectorAll("thead th").length) {
      sortBy(lists[+sort[1]], +sort[2], sort[3] === "desc");
    }

    selects.forEach(function (select) {
      select.addEventListener("change", apply);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.addEventListener("reset", function () {
      // The form's own reset runs after this event: apply once the selects are back to "All".
      window.setTimeout(function () {
        if (lists.length) {
          sortBy(lists[0], -1, false);
        }
        apply();
      }, 0);
    });
    form.hidden = false;
    apply();
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();

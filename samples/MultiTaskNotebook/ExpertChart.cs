using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

/// <summary>
/// The task-to-expert weights as HTML for the notebook: a table coloured by weight (it shows wherever HTML does, GitHub's
/// notebook view included) and, where scripts run (VS Code, Jupyter), an interactive plotly.js heatmap per MTA layer
/// with the exact weight on hover. plotly.js comes from its CDN, as Plotly.NET's notebook extension loads it too.
/// </summary>
internal static class ExpertChart
{
    private const string PlotlyJs = "https://cdn.plot.ly/plotly-2.35.2.min.js";

    /// <param name="weights"><c>[MTA layer][task][expert]</c>, as <c>AlterTransformer.ExpertWeights()</c> returns them.</param>
    public static string Html(double[][][] weights, IReadOnlyList<string> tasks, IReadOnlyList<int> layers)
    {
        var html = new StringBuilder();
        var id = "alter-experts-" + Guid.NewGuid().ToString("N");
        html.Append("<div style=\"display:flex;gap:24px;flex-wrap:wrap\">");
        for (var l = 0; l < weights.Length; l++)
            html.Append(Table(weights[l], tasks, $"encoder layer {layers[l]}"));
        html.Append("</div>");
        html.Append($"<div id=\"{id}\"></div>");
        var traces = weights.Select((layer, l) => new Dictionary<string, object>
        {
            ["type"] = "heatmap", ["z"] = layer, ["y"] = tasks, ["x"] = Enumerable.Range(0, layer[0].Length).Select(e => $"expert {e}"),
            ["xaxis"] = l == 0 ? "x" : $"x{l + 1}", ["yaxis"] = l == 0 ? "y" : $"y{l + 1}", ["colorscale"] = "Viridis", ["showscale"] = l == weights.Length - 1,
            ["hovertemplate"] = $"layer {layers[l]}<br>%{{y}} → %{{x}}: %{{z:.3f}}<extra></extra>",
        });
        var layout = new Dictionary<string, object>
        {
            ["grid"] = new { rows = 1, columns = weights.Length, pattern = "independent" },
            ["height"] = 120 + 30 * tasks.Count, ["margin"] = new { t = 30, b = 40 },
            ["annotations"] = layers.Select((layer, l) => new { text = $"encoder layer {layer}", showarrow = false, xref = $"x{(l == 0 ? "" : l + 1)} domain", yref = "paper", x = 0.5, y = 1.08 }),
        };
        html.Append($$"""
            <script>
            (function () {
              var draw = function () { Plotly.newPlot("{{id}}", {{JsonSerializer.Serialize(traces)}}, {{JsonSerializer.Serialize(layout)}}); };
              if (window.Plotly) { draw(); return; }
              var script = document.createElement("script");
              script.src = "{{PlotlyJs}}";
              script.onload = draw;
              document.head.appendChild(script);
            })();
            </script>
            """);
        return html.ToString();
    }

    /// <summary>Tasks down, experts across; the darker the cell, the more of the task's weight the expert gets.</summary>
    private static string Table(double[][] layer, IReadOnlyList<string> tasks, string title)
    {
        var table = new StringBuilder($"<table><caption>{WebUtility.HtmlEncode(title)}</caption><tr><th></th>");
        for (var e = 0; e < layer[0].Length; e++)
            table.Append($"<th>expert {e}</th>");
        table.Append("</tr>");
        for (var t = 0; t < tasks.Count; t++)
        {
            table.Append($"<tr><th>{WebUtility.HtmlEncode(tasks[t])}</th>");
            foreach (var w in layer[t])
            {
                var shade = (int)Math.Round(255 * (1 - Math.Clamp(w, 0, 1)));
                var ink = w > 0.5 ? "white" : "black";
                table.Append(string.Create(CultureInfo.InvariantCulture,
                    $"<td style=\"background:rgb({shade},{shade},255);color:{ink};text-align:right\">{w:F2}</td>"));
            }
            table.Append("</tr>");
        }
        return table.Append("</table>").ToString();
    }
}

using ScottPlot;

/// <summary>
/// Draws what the task-weight selectors learned: for each MTA layer, a task-by-expert grid of softmax(g/τ) weights. A
/// bright cell is an expert that task relies on; a column bright for several tasks is an expert they share.
/// </summary>
internal static class ExpertHeatmap
{
    /// <param name="weights"><c>[MTA layer][task][expert]</c>, as <c>AlterTransformer.ExpertWeights()</c> returns them.</param>
    public static void Save(string path, double[][][] weights, IReadOnlyList<string> tasks, IReadOnlyList<int> layers)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(weights.Length);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        for (var l = 0; l < weights.Length; l++)
        {
            var plot = multiplot.GetPlot(l);
            var experts = weights[l][0].Length;
            // ScottPlot draws row 0 at the top; the tick labels below follow that order.
            // The colour range is the layer's own min..max: the selectors start near uniform (softmax of close logits),
            // so a fixed 0..1 range would hide what training changed.
            var min = weights[l].Min(t => t.Min());
            var max = weights[l].Max(t => t.Max());
            var grid = new double[tasks.Count, experts];
            for (var t = 0; t < tasks.Count; t++)
                for (var e = 0; e < experts; e++)
                {
                    grid[t, e] = weights[l][t][e];
                    var text = plot.Add.Text(weights[l][t][e].ToString("F2"), e, tasks.Count - 1 - t);
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontColor = weights[l][t][e] > (min + max) / 2 ? Colors.Black : Colors.White;
                }
            var heatmap = plot.Add.Heatmap(grid);
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            plot.MoveToBack(heatmap);
            plot.Add.ColorBar(heatmap);
            plot.Title($"encoder layer {layers[l]}: task -> expert weights");
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                Enumerable.Range(0, tasks.Count).Select(t => (double)(tasks.Count - 1 - t)).ToArray(), tasks.ToArray());
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                Enumerable.Range(0, experts).Select(e => (double)e).ToArray(), Enumerable.Range(0, experts).Select(e => $"expert {e}").ToArray());
            plot.Axes.Bottom.Label.Text = "expert";
        }
        multiplot.SavePng(path, 560 * weights.Length, 420);
    }
}

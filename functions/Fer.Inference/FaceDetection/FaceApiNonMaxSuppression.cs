namespace Fer.Inference.FaceDetection;

/// <summary>
/// face-api's own greedy NMS for the SSD detector: candidates scoring above the threshold, best first (ties in
/// anchor order); a candidate is kept unless its IoU with a box already kept exceeds the IoU threshold; at most
/// <c>maxResults</c> are kept. IoU is computed in double on the float32 boxes, as JavaScript does.
/// </summary>
public static class FaceApiNonMaxSuppression
{
    /// <returns>The indices of the kept boxes, best first.</returns>
    public static IReadOnlyList<int> Select(float[] boxes, float[] scores, int maxResults, double iouThreshold, double scoreThreshold)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(scores);
        var candidates = Enumerable.Range(0, scores.Length)
            .Where(i => scores[i] > scoreThreshold)
            .OrderByDescending(i => scores[i]); // stable, like Array.prototype.sort
        var limit = Math.Min(maxResults, scores.Length);
        var selected = new List<int>();
        foreach (var candidate in candidates)
        {
            if (selected.Count >= limit)
            {
                break;
            }

            if (!selected.Any(kept => IoU(boxes, candidate, kept) > iouThreshold))
            {
                selected.Add(candidate);
            }
        }

        return selected;
    }

    /// <summary>Intersection over union of boxes i and j (corners in either order); 0 when either has no area.</summary>
    public static double IoU(float[] boxes, int i, int j)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        var (yMinI, xMinI, yMaxI, xMaxI) = Corners(boxes, i);
        var (yMinJ, xMinJ, yMaxJ, xMaxJ) = Corners(boxes, j);
        var areaI = (yMaxI - yMinI) * (xMaxI - xMinI);
        var areaJ = (yMaxJ - yMinJ) * (xMaxJ - xMinJ);
        if (areaI <= 0 || areaJ <= 0)
        {
            return 0;
        }

        var intersection = Math.Max(Math.Min(yMaxI, yMaxJ) - Math.Max(yMinI, yMinJ), 0.0) * Math.Max(Math.Min(xMaxI, xMaxJ) - Math.Max(xMinI, xMinJ), 0.0);
        return intersection / (areaI + areaJ - intersection);
    }

    private static (double YMin, double XMin, double YMax, double XMax) Corners(float[] boxes, int index)
    {
        double y0 = boxes[index * 4], x0 = boxes[(index * 4) + 1], y1 = boxes[(index * 4) + 2], x1 = boxes[(index * 4) + 3];
        return (Math.Min(y0, y1), Math.Min(x0, x1), Math.Max(y0, y1), Math.Max(x0, x1));
    }
}

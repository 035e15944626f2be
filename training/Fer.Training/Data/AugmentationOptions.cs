namespace Fer.Training.Data;

/// <summary>The seed's training augmentation, each part switchable.</summary>
public sealed record AugmentationOptions
{
    /// <summary>ColorJitter brightness: a factor drawn from [1 - b, 1 + b] (seed: 0.2; 0 turns it off).</summary>
    public double Brightness { get; init; } = 0.2;

    /// <summary>ColorJitter contrast: a factor drawn from [1 - c, 1 + c] around the image's mean grey (seed: 0.2).</summary>
    public double Contrast { get; init; } = 0.2;

    public bool HorizontalFlip { get; init; } = true;

    /// <summary>Random rotation within +-degrees (seed: 10; 0 turns it off).</summary>
    public double RotationDegrees { get; init; } = 10;

    /// <summary>Random shift in x and y of up to this fraction of the image, zero fill (not in the seed; 0.1 is like RandomCrop with padding S/10).</summary>
    public double TranslateFraction { get; init; }

    /// <summary>Probability of erasing one random rectangle (2-33 % of the area) to the image's mean grey (not in the seed; RandomErasing).</summary>
    public double ErasingProbability { get; init; }

    /// <summary>Random zoom: a scale drawn from [1 - s, 1 + s], like the spread of a face detector's box sizes (0 turns it off).</summary>
    public double ScaleFraction { get; init; }

    /// <summary>Fill what a rotation, shift or zoom-out uncovers with the nearest edge pixel, as a crop from a photo has context there, instead of black.</summary>
    public bool EdgeFill { get; init; }

    /// <summary>Probability of blurring an image by shrinking it to 25-75 % of its size and back (small faces in photos are upscaled like this).</summary>
    public double BlurProbability { get; init; }

    /// <summary>Grey-level noise: per image a standard deviation drawn from [0, n] (0 turns it off).</summary>
    public double NoiseStd { get; init; }

    public static AugmentationOptions None { get; } = new() { Brightness = 0, Contrast = 0, HorizontalFlip = false, RotationDegrees = 0 };

    public bool Any => Brightness > 0 || Contrast > 0 || HorizontalFlip || RotationDegrees > 0 || TranslateFraction > 0 || ErasingProbability > 0 ||
                       ScaleFraction > 0 || BlurProbability > 0 || NoiseStd > 0;
}

"""The table behind ``ember.image`` (TensorFlow's ``tf.image``): public name ->
``"module.path:attr"``, loaded on first use."""
from __future__ import annotations

from ..._lazy import names

_P = "ember.ops.image."

IMAGE_NAMESPACE = {
    **names(_P + "resize", "resize", "resize_with_pad", "ResizeMethod"),
    **names(_P + "crop", "crop_to_bounding_box", "pad_to_bounding_box",
            "resize_with_crop_or_pad", "central_crop", "crop_and_resize", "extract_glimpse"),
    **names(_P + "geometry", "flip_left_right", "flip_up_down", "transpose", "rot90",
            "extract_patches"),
    **names(_P + "color", "convert_image_dtype", "rgb_to_grayscale", "grayscale_to_rgb",
            "rgb_to_hsv", "hsv_to_rgb", "rgb_to_yuv", "yuv_to_rgb", "rgb_to_yiq",
            "yiq_to_rgb", "adjust_brightness", "adjust_contrast", "adjust_gamma",
            "adjust_saturation", "adjust_hue", "per_image_standardization"),
    **names(_P + "quality", "image_gradients", "sobel_edges", "total_variation", "psnr",
            "ssim", "ssim_multiscale"),
    **names(_P + "boxes", "non_max_suppression", "non_max_suppression_with_scores",
            "non_max_suppression_overlaps", "non_max_suppression_padded",
            "combined_non_max_suppression", "draw_bounding_boxes"),
    **names(_P + "random_ops", "random_flip_left_right", "random_flip_up_down",
            "stateless_random_flip_left_right", "stateless_random_flip_up_down",
            "random_crop", "stateless_random_crop", "random_brightness",
            "stateless_random_brightness", "random_contrast", "stateless_random_contrast",
            "random_saturation", "stateless_random_saturation", "random_hue",
            "stateless_random_hue"),
}

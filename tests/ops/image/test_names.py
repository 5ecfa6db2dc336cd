"""The ember.image namespace: every name in its table loads and is documented."""
from ember import image
from ember.ops.image.names import IMAGE_NAMESPACE


def test_every_name_loads():
    for name in IMAGE_NAMESPACE:
        obj = getattr(image, name)
        assert obj.__doc__, name
    assert set(IMAGE_NAMESPACE) <= set(dir(image))


def test_tensorflow_names_present():
    wanted = ["resize", "resize_with_pad", "resize_with_crop_or_pad", "crop_to_bounding_box",
              "pad_to_bounding_box", "central_crop", "crop_and_resize", "extract_glimpse",
              "flip_left_right", "flip_up_down", "transpose", "rot90", "random_flip_left_right",
              "random_flip_up_down", "random_crop", "random_brightness", "random_contrast",
              "stateless_random_flip_left_right", "stateless_random_brightness",
              "rgb_to_grayscale", "grayscale_to_rgb", "rgb_to_hsv", "hsv_to_rgb", "rgb_to_yuv",
              "yuv_to_rgb", "adjust_brightness", "adjust_contrast", "adjust_saturation",
              "adjust_hue", "adjust_gamma", "per_image_standardization", "convert_image_dtype",
              "image_gradients", "sobel_edges", "total_variation", "psnr", "ssim",
              "ssim_multiscale", "extract_patches", "non_max_suppression",
              "non_max_suppression_with_scores", "non_max_suppression_padded",
              "draw_bounding_boxes", "ResizeMethod"]
    assert not [n for n in wanted if n not in IMAGE_NAMESPACE]
    assert image.ResizeMethod.MITCHELLCUBIC == "mitchellcubic"
